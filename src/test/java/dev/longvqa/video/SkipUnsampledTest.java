package dev.longvqa.video;

import dev.longvqa.RequiredTool;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        if (expectSavings) assertThat(saved).as("non-reference frames skipped at 1 fps").isPositive();
    }

    @Test
    void mpeg4WithBFramesDeliversTheSameFramesAndDecodesFewer() {
        Path video = SyntheticVideo.builder().size(160, 90).fps(24).bFrames(2)
                .shot(SyntheticVideo.Kind.PAN, 3).shot(SyntheticVideo.Kind.NOISE, 3).noise(6)
                .build().write(dir.resolve("bframes.mp4")).path();
        assertSameForAllTimeStrategies(video, true);
    }

    @Test
    void vp9DeliversTheSameFrames() {
        Path video = SyntheticVideo.builder().size(160, 90).fps(24).codec("libvpx-vp9", "webm")
                .shot(SyntheticVideo.Kind.ZOOM, 3).shot(SyntheticVideo.Kind.SHAPES, 3)
                .build().write(dir.resolve("vp9.webm")).path();
        assertSameForAllTimeStrategies(video, false);
    }

    /** H.264 (x264: B-pyramid, so some B-frames are references) and HEVC from the ffmpeg CLI. */
    @ParameterizedTest
    @ValueSource(strings = {"libx264", "libx265"})
    void cliEncodedH264AndHevcDeliverTheSameFramesAndDecodeFewer(String encoder) throws Exception {
        Path video = dir.resolve(encoder + ".mp4");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=192x108:rate=30:duration=5", "-vf", "noise=alls=8:allf=t", "-c:v", encoder,
                "-preset", "veryfast", "-g", "60", "-pix_fmt", "yuv420p"));
        if (encoder.equals("libx265")) cmd.addAll(List.of("-x265-params", "log-level=error:pools=1:frame-threads=1"));
        else cmd.addAll(List.of("-threads", "1"));
        cmd.add(video.toString());
        RequiredTool.require(runs(cmd), "the ffmpeg CLI with " + encoder);
        assertSameForAllTimeStrategies(video, true);
    }

    private static boolean runs(List<String> cmd) throws InterruptedException {
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
