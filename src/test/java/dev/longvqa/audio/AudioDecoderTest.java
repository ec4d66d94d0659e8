package dev.longvqa.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class AudioDecoderTest {
    @TempDir
    Path tmp;

    /** RMS of the decoded track over [from, to) seconds. */
    private static double rms(AudioTrack t, double from, double to) {
        float[] s = t.read((long) (from * AudioTrack.SAMPLE_RATE), (int) ((to - from) * AudioTrack.SAMPLE_RATE));
        double sum = 0;
        for (float v : s) sum += v * v;
        return Math.sqrt(sum / s.length);
    }

    @Test
    void toneLandsAtItsTimeIn16kHzMono() throws Exception {
        Path video = SoundVideos.write(tmp.resolve("tone.mp4"), 6, SoundVideos.tone(6, 2.0, 4.0, 440));
        try (AudioResult r = new AudioDecoder().decode(video)) {
            AudioResult.Decoded d = assertInstanceOf(AudioResult.Decoded.class, r, r.describe());
            AudioTrack t = d.track();
            assertEquals("aac", d.codec());
            assertEquals(6.0, t.durationSec(), 0.1); // AAC pads its last frame
            assertEquals((int) Math.ceil(t.durationSec()), t.seconds());
            assertFalse(t.silent(), "rms " + t.rms());
            assertTrue(rms(t, 0.2, 1.85) < 0.01, "silence before the tone");
            assertTrue(rms(t, 2.15, 3.85) > 0.25, "tone (0.5 amplitude sine: rms 0.35)");
            assertTrue(rms(t, 4.15, 5.8) < 0.01, "silence after the tone");
            // the onset is within 50 ms of 2.0 s: frame times and audio times share one clock
            assertTrue(rms(t, 1.95, 2.0) < 0.05 && rms(t, 2.05, 2.1) > 0.25, "onset at 2.0 s");
            // 440 Hz: about 880 zero crossings per second survive resampling
            float[] sec = t.read(3 * AudioTrack.SAMPLE_RATE, AudioTrack.SAMPLE_RATE);
            int crossings = 0;
            for (int i = 1; i < sec.length; i++) if ((sec[i - 1] < 0) != (sec[i] < 0)) crossings++;
            assertEquals(880, crossings, 10);
            assertTrue(Files.exists(t.pcmFile()));
        }
    }

    @Test
    void aUrlIsReadWithRangedRequests() throws Exception {
        Path video = SoundVideos.write(tmp.resolve("url.mp4"), 4, SoundVideos.tone(4, 1.0, 3.0, 440));
        byte[] bytes = Files.readAllBytes(video);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v.mp4", ex -> {
            // what S3 does for a presigned GET: honours "Range: bytes=a-b"
            String range = ex.getRequestHeaders().getFirst("Range");
            int from = 0, to = bytes.length - 1;
            if (range != null && range.startsWith("bytes=")) {
                String[] ab = range.substring(6).split("-", -1);
                from = Integer.parseInt(ab[0]);
                if (ab.length > 1 && !ab[1].isEmpty()) to = Math.min(to, Integer.parseInt(ab[1]));
            }
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            ex.getResponseHeaders().set("Content-Type", "video/mp4");
            if (range != null) ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + bytes.length);
            ex.sendResponseHeaders(range != null ? 206 : 200, to - from + 1);
            try (var out = ex.getResponseBody()) {
                out.write(bytes, from, to - from + 1);
            } catch (java.io.IOException ignored) {
                // the client may close early
            }
        });
        server.start();
        try (AudioResult r = new AudioDecoder().decode("http://127.0.0.1:" + server.getAddress().getPort() + "/v.mp4")) {
            AudioTrack t = assertInstanceOf(AudioResult.Decoded.class, r, r.describe()).track();
            assertEquals(4.0, t.durationSec(), 0.1);
            assertTrue(rms(t, 0.1, 0.9) < 0.01 && rms(t, 1.2, 2.8) > 0.25, "tone from 1 s to 3 s");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void closingDeletesTheSpool() throws Exception {
        Path video = SoundVideos.write(tmp.resolve("a.mp4"), 2, SoundVideos.tone(2, 0, 2, 300));
        AudioResult r = new AudioDecoder().decode(video);
        Path spool = r.track().pcmFile();
        r.close();
        assertFalse(Files.exists(spool));
    }

    @Test
    void videoWithoutAudioHasNoAudioAndNoWarning() throws Exception {
        Path video = SoundVideos.write(tmp.resolve("mute.mp4"), 2, null);
        try (AudioResult r = new AudioDecoder().decode(video)) {
            assertInstanceOf(AudioResult.NoAudio.class, r);
            assertNull(r.warning());
            assertNull(r.track());
        }
    }

    @Test
    void silentTrackIsDecodedAndMarkedSilent() throws Exception {
        Path video = SoundVideos.write(tmp.resolve("quiet.mp4"), 3, new float[3 * SoundVideos.RATE]);
        try (AudioResult r = new AudioDecoder().decode(video)) {
            assertTrue(r.track().silent(), r.describe());
            assertTrue(r.describe().contains("silent"));
        }
    }

    @Test
    void decodingStopsAtTheLimit() throws Exception {
        Path video = SoundVideos.write(tmp.resolve("long.mp4"), 4, SoundVideos.tone(4, 0, 4, 300));
        try (AudioResult r = new AudioDecoder(1.5).decode(video)) {
            assertEquals(1.5 * AudioTrack.SAMPLE_RATE, r.track().samples());
        }
    }

    @Test
    void garbageIsNeverAnException() throws Exception {
        Path junk = Files.write(tmp.resolve("junk.mp4"), new byte[]{0, 0, 0, 24, 'f', 't', 'y', 'p', 1, 2, 3});
        try (AudioResult r = new AudioDecoder().decode(junk)) {
            // the video path reports the typed error; the audio side just has nothing
            assertNull(r.track());
        }
    }

    @Test
    void corruptAudioPacketsAreSkippedNotFatal() throws Exception {
        Path video = SoundVideos.write(tmp.resolve("c.mp4"), 4, SoundVideos.tone(4, 0, 4, 300));
        byte[] b = Files.readAllBytes(video);
        // scribble over the middle of the file (mdat): some packets decode, some do not
        java.util.Random rnd = new java.util.Random(7);
        for (int i = b.length / 3; i < b.length / 3 + 4000; i++) b[i] = (byte) rnd.nextInt();
        Path bad = Files.write(tmp.resolve("bad.mp4"), b);
        try (AudioResult r = new AudioDecoder().decode(bad)) {
            assertNotNull(r.describe());
        }
    }
}
