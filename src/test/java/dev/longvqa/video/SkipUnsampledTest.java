package dev.longvqa.video;

import dev.longvqa.RequiredTool;
import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.pipeline.ScenesResult;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dropping non-reference frames that no sample can use must not change what is delivered: the
 * same frames at the same times, bit for bit (these decoders are deterministic), for every
 * strategy that samples by time, and over a time range.
 */
class SkipUnsampledTest {
    @TempDir
    static Path dir;

    private record Run(List<SampledFrame> frames, SamplingSummary summary) {}

    private static Run run(Path video, FrameSampler.Builder b, boolean skip) {
        List<SampledFrame> frames = new ArrayList<>();
        SamplingSummary s = b.skipUnsampled(skip).build().sample(VideoSource.of(video), frames::add);
        return new Run(frames, s);
    }

    /** Same strategy with and without skipping; returns how many frames skipping saved. */
    private static long assertSameDelivery(Path video, FrameSampler.Builder b) {
        Run full = run(video, b, false);
        Run skipped = run(video, b, true);
        assertThat(skipped.frames()).hasSameSizeAs(full.frames());
        assertThat(full.frames()).isNotEmpty();
        for (int i = 0; i < full.frames().size(); i++) {
            SampledFrame a = full.frames().get(i), c = skipped.frames().get(i);
            assertThat(c.timeSec()).as("time of frame %d", i).isEqualTo(a.timeSec());
            assertThat(c.image().width()).isEqualTo(a.image().width());
            assertThat(c.image().pixels()).as("pixels of frame %d at %.3f s", i, a.timeSec()).isEqualTo(a.image().pixels());
        }
        assertThat(skipped.summary().decodedFrames()).isLessThanOrEqualTo(full.summary().decodedFrames());
        return full.summary().decodedFrames() - skipped.summary().decodedFrames();
    }

    private static void assertSameForAllTimeStrategies(Path video, boolean expectSavings) {
        long saved = assertSameDelivery(video, FrameSampler.builder().fps(1));
        assertSameDelivery(video, FrameSampler.builder().fps(3));
        assertSameDelivery(video, FrameSampler.builder().fps(1).range(1.5, 4.2));
        assertSameDelivery(video, FrameSampler.builder().strategy(new SamplingStrategy.ChangeAdaptive(0.5, 4, 0.02f)));
        if (expectSavings) assertThat(saved).as("frames left undecoded at 1 fps").isPositive();
    }

    @Test
    void mpeg4WithBFramesDeliversTheSameFramesAndDecodesFewer() {
        Path video = SyntheticVideo.builder().size(160, 90).fps(24).bFrames(2)
                .shot(SyntheticVideo.ShotType.PAN, 3).shot(SyntheticVideo.ShotType.NOISE, 3).noise(6)
                .build().write(dir.resolve("bframes.mp4")).path();
        assertSameForAllTimeStrategies(video, true);
    }

    /**
     * VP9 has no non-reference frames: what it saves is the run of frames between a GOP's last
     * sample and the next key frame, which are never sent to the decoder (a key frame refreshes
     * every reference), here with a key frame every 1.5 s.
     */
    @Test
    void vp9DeliversTheSameFramesAndSkipsTheTailOfEachGop() {
        Path video = SyntheticVideo.builder().size(160, 90).fps(24).gop(36).codec("libvpx-vp9", "webm")
                .shot(SyntheticVideo.ShotType.ZOOM, 3).shot(SyntheticVideo.ShotType.SHAPES, 3)
                .build().write(dir.resolve("vp9.webm")).path();
        assertSameForAllTimeStrategies(video, true);
    }

    /**
     * H.264 (x264: B-pyramid, so some B-frames are references) and HEVC from the ffmpeg CLI. Key
     * frames every 2 s (on the ticks: the frame before each is within the margin of the next
     * sample, so only non-reference frames are dropped) and every 1.5 s (off the ticks: x264's
     * IDRs also drop the GOP's tail unsent — P- and reference B-frames; x265's open-GOP CRAs do
     * not restart decoding, so their held tails are sent after all).
     */
    @ParameterizedTest
    @CsvSource({"libx264,60", "libx265,60", "libx264,45", "libx265,45"})
    void cliEncodedH264AndHevcDeliverTheSameFramesAndDecodeFewer(String encoder, int gop) throws Exception {
        Path video = dir.resolve(encoder + "-g" + gop + ".mp4");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=192x108:rate=30:duration=5", "-vf", "noise=alls=8:allf=t", "-c:v", encoder,
                "-preset", "veryfast", "-g", String.valueOf(gop), "-pix_fmt", "yuv420p"));
        if (encoder.equals("libx265")) cmd.addAll(List.of("-x265-params", "log-level=error:pools=1:frame-threads=1"));
        else cmd.addAll(List.of("-threads", "1"));
        cmd.add(video.toString());
        RequiredTool.require(runs(cmd), "the ffmpeg CLI with " + encoder);
        assertSameForAllTimeStrategies(video, true);
    }

    /**
     * The change signal where a consumer reads it: after a skipping pass, {@code exactChanges}
     * must give, bit for bit, what the pass decoding every frame gave each sampled frame, for all
     * gaps and for scattered ones (seeking to key frames, merging stretches that lie close) —
     * without falling back to decoding from the start. Given digests that do not match, it must
     * notice, say so, and still answer exactly by decoding from the start.
     */
    private static void assertExactChangesMatchFullDecode(Path video) {
        FrameSampler.Builder b = FrameSampler.builder().fps(1);
        Run full = run(video, b, false);
        Run skipped = run(video, b, true);
        FrameSampler sampler = b.skipUnsampled(true).build();
        int gaps = full.frames().size() - 1;
        assertThat(gaps).isGreaterThan(12);
        BitSet all = new BitSet();
        all.set(0, gaps);
        BitSet scattered = new BitSet();
        for (int g : new int[] {1, 2, 9, gaps - 3, gaps - 1}) scattered.set(g);
        SamplingSummary pass = skipped.summary();
        // Where the pass reports no dropped frame, its own signal is already every frame's.
        for (int g = pass.skippedGaps().nextClearBit(0); g < gaps; g = pass.skippedGaps().nextClearBit(g + 1)) {
            SampledFrame a = full.frames().get(g + 1), c = skipped.frames().get(g + 1);
            assertThat(c.changeTimeSec()).as("pass's change time after unskipped gap %d", g).isEqualTo(a.changeTimeSec());
            assertThat(c.changeScore()).as("pass's change score after unskipped gap %d", g).isEqualTo(a.changeScore());
        }
        assertThat(pass.skippedGaps().isEmpty()).as("no gap with dropped frames").isEqualTo(full.summary().decodedFrames() == pass.decodedFrames());
        SamplingSummary wrongDigests = new SamplingSummary(pass.info(), pass.decodedFrames(), pass.sampledFrames(),
                pass.lastFrameSec(), pass.damagedPackets(), pass.sampleTimes(), new int[pass.sampledFrames()], pass.skippedGaps());
        record Case(BitSet gaps, SamplingSummary pass, boolean fallsBack) {}
        for (Case c : List.of(new Case(all, pass, false), new Case(scattered, pass, false), new Case(scattered, wrongDigests, true))) {
            List<LogRecord> warnings = new ArrayList<>();
            Map<Integer, FrameSampler.ChangePeak> exact = withWarnings(warnings,
                    () -> sampler.exactChanges(VideoSource.of(video), c.pass(), c.gaps()));
            assertThat(warnings).as("fell back to decoding from the start").hasSize(c.fallsBack() ? 1 : 0);
            assertThat(exact.keySet()).as("gaps answered").containsExactlyElementsOf(c.gaps().stream().boxed().toList());
            exact.forEach((g, peak) -> {
                SampledFrame f = full.frames().get(g + 1);
                assertThat(peak.timeSec()).as("change time after gap %d", g).isEqualTo(f.changeTimeSec());
                assertThat(Float.floatToIntBits(peak.score())).as("change score after gap %d", g)
                        .isEqualTo(Float.floatToIntBits(f.changeScore()));
            });
        }
    }

    /** Runs {@code body} collecting the sampler's warnings (System.Logger goes to java.util.logging here). */
    private static <T> T withWarnings(List<LogRecord> into, java.util.function.Supplier<T> body) {
        Logger logger = Logger.getLogger(FrameSampler.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) into.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(h);
        try {
            return body.get();
        } finally {
            logger.removeHandler(h);
        }
    }

    /**
     * The scene detector skips by default and re-decodes where the cut rule reads the change
     * signal: scenes, cuts and cut times equal those of decoding every frame, with fewer frames decoded.
     */
    private static void assertScenesMatchFullDecode(Path video, boolean expectSavings) {
        SceneDetector.Builder d = SceneDetector.builder().segmenter(SegmenterSettings.DEFAULT.withMaxScenes(64));
        ScenesResult full = d.skipUnsampled(false).build().detect(VideoSource.of(video));
        ScenesResult skipped = d.skipUnsampled(true).build().detect(VideoSource.of(video));
        assertThat(full.segmentation().cuts()).as("the video has cuts to find").isNotEmpty();
        assertThat(skipped.segmentation().cuts()).isEqualTo(full.segmentation().cuts());
        assertThat(skipped.segmentation().scenes()).isEqualTo(full.segmentation().scenes());
        assertThat(skipped.cutsSec()).isEqualTo(full.cutsSec());
        if (expectSavings) assertThat(skipped.decodedFrames()).isLessThan(full.decodedFrames());
    }

    /** Shots with cuts, MPEG-4 with B-frames and a key frame every second. */
    private static Path shotsVideo(String name) {
        return SyntheticVideo.builder().size(160, 90).fps(24).bFrames(2).gop(24).seed(5)
                .shots(SyntheticVideo.randomShots(5, 30, 77)).noise(4).build().write(dir.resolve(name)).path();
    }

    @Test
    void exactChangesEqualAFullDecodeOnMpeg4WithBFrames() {
        Path video = shotsVideo("shots-mpeg4.mp4");
        assertExactChangesMatchFullDecode(video);
        assertScenesMatchFullDecode(video, true);
    }

    /** Re-encoded by the CLI: x264 (closed GOP, B-pyramid), x265 (open GOP by default), VP9. */
    @ParameterizedTest
    @ValueSource(strings = {"libx264", "libx265", "libvpx-vp9"})
    void exactChangesEqualAFullDecodeOnCliEncodedVideo(String encoder) throws Exception {
        Path src = shotsVideo("shots-src-" + encoder + ".mp4");
        Path video = dir.resolve("shots-" + encoder + (encoder.equals("libvpx-vp9") ? ".webm" : ".mp4"));
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", src.toString(),
                "-c:v", encoder, "-g", "72", "-pix_fmt", "yuv420p"));
        switch (encoder) {
            case "libx265" -> cmd.addAll(List.of("-preset", "ultrafast", "-x265-params", "log-level=error:pools=1:frame-threads=1"));
            case "libx264" -> cmd.addAll(List.of("-preset", "veryfast", "-threads", "1"));
            default -> cmd.addAll(List.of("-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-threads", "1"));
        }
        cmd.add(video.toString());
        RequiredTool.require(runs(cmd), "the ffmpeg CLI with " + encoder);
        assertExactChangesMatchFullDecode(video);
        // VP9's savings are the GOP tails, which the detector skips only where the picture has been
        // calm for a while: this noisy video never is there (the sampler's own tests show them).
        assertScenesMatchFullDecode(video, !encoder.equals("libvpx-vp9"));
    }

    /** Runs an external command (the ffmpeg CLI); false if it fails, hangs or is not installed. */
    static boolean runs(List<String> cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no ffmpeg on the PATH
        }
    }
}
