package dev.longvqa.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A decoded sound track: 16 kHz mono signed 16-bit little-endian PCM spooled to a temporary file
 * (an hour is 115 MB on disk, nothing in memory), sample 0 at the video stream's time 0 — the
 * time base of the sampled frames — so second {@code k} of audio is the frame sampled in
 * {@code [k, k+1)}. Read windows with {@link #read}; close it to delete the file.
 *
 * @param rms root mean square of the whole track in [0, 1] (0 = digital silence)
 */
public record AudioTrack(Path pcmFile, long samples, double rms) implements AutoCloseable {
    public static final int SAMPLE_RATE = 16_000;

    public double durationSec() {
        return samples / (double) SAMPLE_RATE;
    }

    /** Whole seconds of audio, the last partial one counted (the reference pads it with zeros). */
    public int seconds() {
        return (int) ((samples + SAMPLE_RATE - 1) / SAMPLE_RATE);
    }

    /** True when nothing louder than about -60 dBFS was ever heard. */
    public boolean silent() {
        return rms < 1e-3;
    }

    /**
     * Samples {@code [from, from + count)} as floats in [-1, 1) (the reference's soundfile scale);
     * positions past the end read as 0.
     */
    public float[] read(long from, int count) {
        float[] out = new float[count];
        long end = Math.min(samples, from + count);
        if (from >= end) return out;
        int n = (int) (end - from);
        ByteBuffer buf = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(pcmFile, StandardOpenOption.READ)) {
            long pos = from * 2;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos + buf.position());
                if (r < 0) break;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spooled audio " + pcmFile, e);
        }
        buf.flip();
        for (int i = 0; i < n && buf.remaining() >= 2; i++) out[i] = buf.getShort() / 32768f;
        return out;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(pcmFile);
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }
}
