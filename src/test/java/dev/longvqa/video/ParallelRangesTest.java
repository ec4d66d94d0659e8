package dev.longvqa.video;

import dev.longvqa.RequiredTool;
import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.pipeline.ScenesResult;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding key-frame-aligned time ranges in parallel must deliver what one pass delivers: the same
 * sampled frames bit for bit, at the same times, with the same change signal (bit for bit where
 * every frame is decoded), the same per-sample luma digests, and, through the scene detector, the
 * same cuts and scenes. Short ranges (2 s) so that a small video has several range boundaries.
 */
class ParallelRangesTest {
    @TempDir
    static Path dir;

    private record Run(List<SampledFrame> frames, SamplingSummary summary) {}

    private static Run run(Path video, FrameSampler.Builder b) {
        List<SampledFrame> frames = new ArrayList<>();
        SamplingSummary s = b.build().sample(VideoSource.of(video), frames::add);
        return new Run(frames, s);
    }

    private static void assertSameAsOnePass(Path video, double fps, boolean skip) {
        FrameSampler.Builder b = FrameSampler.builder().fps(fps).skipUnsampled(skip);
        Run one = run(video, b.parallelRanges(1, 2));
        FrameSampler parallel = b.parallelRanges(2, 2).build();
        assertThat(parallel.planRanges((VideoSource.FileSource) VideoSource.of(video)).starts()).as("range starts").hasSizeGreaterThanOrEqualTo(3);
        Run par = run(video, b.parallelRanges(2, 2));
        assertThat(one.frames()).isNotEmpty();
        assertThat(par.frames()).hasSameSizeAs(one.frames());
        for (int i = 0; i < one.frames().size(); i++) {
            SampledFrame a = one.frames().get(i), c = par.frames().get(i);
            assertThat(c.index()).isEqualTo(i);
            assertThat(c.timeSec()).as("time of frame %d", i).isEqualTo(a.timeSec());
            assertThat(c.image().pixels()).as("pixels of frame %d at %.3f s", i, a.timeSec()).isEqualTo(a.image().pixels());
            if (!skip) { // with skipping, which frames are dropped depends on the decoder's delay (threads)
                assertThat(c.changeTimeSec()).as("change time of frame %d", i).isEqualTo(a.changeTimeSec());
                assertThat(Float.floatToIntBits(c.changeScore())).as("change score of frame %d", i)
                        .isEqualTo(Float.floatToIntBits(a.changeScore()));
            }
        }
        assertThat(par.summary().sampleTimes()).isEqualTo(one.summary().sampleTimes());
        assertThat(par.summary().sampleDigests()).isEqualTo(one.summary().sampleDigests());
        if (!skip) assertThat(par.summary().decodedFrames()).isEqualTo(one.summary().decodedFrames());
        assertThat(par.summary().lastFrameSec()).isEqualTo(one.summary().lastFrameSec());
    }

    /** CLI-encoded: x264 (closed GOP, B-pyramid), x265 (open GOP: CRA with leading pictures), VP9. */
    @ParameterizedTest
    @ValueSource(strings = {"libx264", "libx265", "libvpx-vp9"})
    void rangesDeliverWhatOnePassDelivers(String encoder) throws Exception {
        Path video = cliEncoded(encoder, null);
        assertSameAsOnePass(video, 1, false);
        assertSameAsOnePass(video, 3, false);
        assertSameAsOnePass(video, 1, true);
    }

    /** The scene detector (skipping, re-decoding where the cut rule reads) finds the same cuts either way. */
    @ParameterizedTest
    @ValueSource(strings = {"libx264", "libx265"})
    void scenesAreTheSameWithRanges(String encoder) throws Exception {
        Path src = SyntheticVideo.builder().size(160, 90).fps(24).bFrames(2).gop(24).seed(5)
                .shots(SyntheticVideo.randomShots(5, 30, 77)).noise(4).build().write(dir.resolve("shots-src.mp4")).path();
        Path video = cliEncoded(encoder, src);
        SceneDetector.Builder d = SceneDetector.builder().segmenter(SegmenterSettings.DEFAULT.withMaxScenes(64));
        ScenesResult one = d.parallelRanges(1, 2).build().detect(VideoSource.of(video));
        ScenesResult par = d.parallelRanges(2, 2).build().detect(VideoSource.of(video));
        assertThat(one.segmentation().cuts()).as("the video has cuts to find").isNotEmpty();
        assertThat(par.segmentation().cuts()).isEqualTo(one.segmentation().cuts());
        assertThat(par.segmentation().scenes()).isEqualTo(one.segmentation().scenes());
        assertThat(par.cutsSec()).isEqualTo(one.cutsSec());
    }

    /** MPEG-4 Part 2 key frames give no such guarantee (B-frames after them may reference before): one pass. */
    @Test
    void codecsWithoutCleanRandomAccessAreDecodedInOnePass() {
        Path video = SyntheticVideo.builder().size(160, 90).fps(24).bFrames(2).gop(24)
                .shot(SyntheticVideo.ShotType.PAN, 10).noise(4).build().write(dir.resolve("mpeg4.mp4")).path();
        FrameSampler sampler = FrameSampler.builder().fps(1).parallelRanges(2, 2).build();
        assertThat(sampler.planRanges((VideoSource.FileSource) VideoSource.of(video)).starts()).isEmpty();
        assertThat(run(video, FrameSampler.builder().fps(1).parallelRanges(2, 2)).frames()).hasSize(10);
    }

    /** A 12-s video (or {@code src} re-encoded) with a key frame every second; x265 with open GOPs. */
    private static Path cliEncoded(String encoder, Path src) throws Exception {
        boolean vp9 = encoder.equals("libvpx-vp9");
        Path video = dir.resolve((src == null ? "noise-" : "shots-") + encoder + (vp9 ? ".webm" : ".mp4"));
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        if (src == null) cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=192x108:rate=30:duration=12", "-vf", "noise=alls=8:allf=t"));
        else cmd.addAll(List.of("-i", src.toString()));
        cmd.addAll(List.of("-c:v", encoder, "-g", "30", "-pix_fmt", "yuv420p"));
        switch (encoder) {
            case "libx265" -> cmd.addAll(List.of("-preset", "ultrafast", "-x265-params", "log-level=error:pools=1:frame-threads=1"));
            case "libx264" -> cmd.addAll(List.of("-preset", "veryfast", "-threads", "1"));
            default -> cmd.addAll(List.of("-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-threads", "1"));
        }
        cmd.add(video.toString());
        RequiredTool.require(SkipUnsampledTest.runs(cmd), "the ffmpeg CLI with " + encoder);
        return video;
    }
}
