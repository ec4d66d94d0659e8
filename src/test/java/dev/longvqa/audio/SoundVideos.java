package dev.longvqa.audio;

import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;

/**
 * Test videos with sound at known times, written with FFmpeg (JavaCV's recorder): a moving square
 * at 10 fps and a mono sound track. Speech comes from {@code espeak-ng} (Debian), placed at given
 * seconds over silence.
 */
public final class SoundVideos {
    public static final int RATE = 22_050; // espeak-ng's rate; the decoder resamples to 16 kHz
    static final int W = 160, H = 120, FPS = 10;

    private SoundVideos() {}

    public static boolean espeakAvailable() {
        return onPath("espeak-ng");
    }

    static boolean onPath(String bin) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, bin))) return true;
        }
        return false;
    }

    /** An utterance: what to say, from when. */
    public record Say(double atSec, String text) {}

    /** Speech at the given times over silence, {@code seconds} long, at {@link #RATE}. */
    public static float[] speech(double seconds, List<Say> says, Path tmp) throws IOException, InterruptedException {
        float[] out = new float[(int) (seconds * RATE)];
        for (Say s : says) {
            float[] w = espeak(s.text(), tmp);
            int at = (int) (s.atSec() * RATE);
            for (int i = 0; i < w.length && at + i < out.length; i++) out[at + i] += w[i];
        }
        return out;
    }

    /** espeak-ng's voice for {@code text}, leading silence trimmed so it starts where placed. */
    static float[] espeak(String text, Path tmp) throws IOException, InterruptedException {
        Path wav = Files.createTempFile(tmp, "say", ".wav");
        Process p = new ProcessBuilder("espeak-ng", "-s", "140", "-w", wav.toString(), text)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("espeak-ng failed");
        float[] w = readWav(wav);
        int first = 0;
        while (first < w.length && Math.abs(w[first]) < 0.01f) first++;
        float[] trimmed = new float[w.length - first];
        System.arraycopy(w, first, trimmed, 0, trimmed.length);
        return trimmed;
    }

    static float[] readWav(Path wav) throws IOException {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            if (f.getSampleSizeInBits() != 16 || f.getChannels() != 1 || f.getSampleRate() != RATE) {
                throw new IOException("unexpected espeak-ng format " + f);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray()).order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 2];
            for (int i = 0; i < out.length; i++) out[i] = b.getShort() / 32768f;
            return out;
        } catch (javax.sound.sampled.UnsupportedAudioFileException e) {
            throw new IOException(e);
        }
    }

    /** A 300 Hz tone with a little noise over all {@code seconds}: sound that is neither silence nor speech. */
    public static float[] toneAndNoise(double seconds) {
        float[] a = new float[(int) (seconds * RATE)];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < a.length; i++) a[i] = (float) (0.3 * Math.sin(2 * Math.PI * 300 * i / RATE) + 0.05 * r.nextGaussian());
        return a;
    }

    /** A tone of {@code hz} from {@code fromSec} to {@code toSec}, silence elsewhere. */
    static float[] tone(double seconds, double fromSec, double toSec, double hz) {
        float[] out = new float[(int) (seconds * RATE)];
        for (int i = (int) (fromSec * RATE); i < Math.min(out.length, (int) (toSec * RATE)); i++) {
            out[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / RATE));
        }
        return out;
    }

    /**
     * Writes {@code seconds} of moving video with {@code audio} (at {@link #RATE}, null for no
     * audio stream) as MP4 (MPEG-4 Part 2 video, AAC audio).
     */
    public static Path write(Path file, double seconds, float[] audio) throws IOException {
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), W, H, audio == null ? 0 : 1)) {
            rec.setFormat("mp4");
            rec.setVideoCodec(AV_CODEC_ID_MPEG4);
            rec.setFrameRate(FPS);
            rec.setVideoBitrate(200_000);
            if (audio != null) {
                rec.setAudioCodec(AV_CODEC_ID_AAC);
                rec.setSampleRate(RATE);
                rec.setAudioBitrate(64_000);
            }
            rec.start();
            int frames = (int) Math.round(seconds * FPS);
            int perFrame = RATE / FPS;
            for (int i = 0; i < frames; i++) {
                Frame f = new Frame(W, H, Frame.DEPTH_UBYTE, 3);
                ByteBuffer px = (ByteBuffer) f.image[0];
                int x0 = (i * 3) % (W - 20);
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        boolean sq = x >= x0 && x < x0 + 20 && y >= 50 && y < 70;
                        int o = y * f.imageStride + x * 3;
                        px.put(o, (byte) (sq ? 240 : 30));
                        px.put(o + 1, (byte) (sq ? 200 : 60 + i % 50));
                        px.put(o + 2, (byte) (sq ? 40 : 90));
                    }
                }
                rec.record(f);
                if (audio != null) {
                    int from = i * perFrame, to = Math.min(audio.length, from + perFrame);
                    if (to > from) rec.recordSamples(RATE, 1, FloatBuffer.wrap(java.util.Arrays.copyOfRange(audio, from, to))); // JavaCPP ignores a slice's offset
                }
            }
            rec.stop();
        }
        return file;
    }

    static List<String> words(Transcript t) {
        List<String> out = new ArrayList<>();
        t.words().forEach(w -> out.add(w.text()));
        return out;
    }
}
