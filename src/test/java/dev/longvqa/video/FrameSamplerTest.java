package dev.longvqa.video;

import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FrameSamplerTest {
    @TempDir
    static Path dir;
    static Path tenSeconds;

    @BeforeAll
    static void generate() {
        tenSeconds = SyntheticVideo.builder().size(160, 90).fps(25).shot(SyntheticVideo.ShotType.SHAPES, 10)
                .build().write(dir.resolve("ten.mp4")).path();
    }

    private static List<SampledFrame> sample(FrameSampler sampler, VideoSource source) {
        List<SampledFrame> frames = new ArrayList<>();
        sampler.sample(source, frames::add);
        return frames;
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"mpeg4,mp4", "mpeg4,avi", "mpeg4,mov", "libvpx,webm", "libvpx-vp9,webm", "libopenh264,mkv", "libopenh264,mp4"})
    void samplesOneFramePerSecondAcrossContainersAndCodecs(String codec, String format) {
        Path video = SyntheticVideo.builder().size(160, 90).fps(24).codec(codec, format).shot(SyntheticVideo.ShotType.PAN, 6)
                .build().write(dir.resolve("c-" + codec + "." + format)).path();
        List<SampledFrame> frames = sample(FrameSampler.builder().fps(1).build(), VideoSource.of(video));
        assertThat(frames).hasSize(6);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).index()).isEqualTo(i);
            assertThat(frames.get(i).timeSec()).isCloseTo(i, within(0.05));
            assertThat(frames.get(i).image().width()).isEqualTo(160);
            assertThat(frames.get(i).image().height()).isEqualTo(90);
        }
    }

    @Test
    void probeReportsStreamFacts() {
        VideoInfo info = FrameSampler.builder().build().probe(VideoSource.of(tenSeconds));
        assertThat(info.width()).isEqualTo(160);
        assertThat(info.height()).isEqualTo(90);
        assertThat(info.durationSec()).isCloseTo(10, within(0.1));
        assertThat(info.frameRate()).isCloseTo(25, within(0.01));
        assertThat(info.codec()).isEqualTo("mpeg4");
        assertThat(info.hasAudio()).isFalse();
    }

    @Test
    void ratesAndSizesAreHonoured() {
        List<SampledFrame> two = sample(FrameSampler.builder().fps(2).maxSide(80).build(), VideoSource.of(tenSeconds));
        assertThat(two).hasSize(20);
        assertThat(two.get(1).timeSec()).isCloseTo(0.5, within(0.05));
        assertThat(two.get(0).image().width()).isEqualTo(80);
        assertThat(two.get(0).image().height()).isEqualTo(45);
        List<SampledFrame> half = sample(FrameSampler.builder().fps(0.5).build(), VideoSource.of(tenSeconds));
        assertThat(half).extracting(SampledFrame::timeSec).containsExactly(0.0, 2.0, 4.0, 6.0, 8.0);
    }

    @Test
    void rangesJoinToTheWholeVideo() {
        List<Double> whole = sample(FrameSampler.builder().build(), VideoSource.of(tenSeconds)).stream()
                .map(SampledFrame::timeSec).toList();
        List<Double> joined = new ArrayList<>();
        for (double[] r : new double[][]{{0, 3}, {3, 7}, {7, 11}}) {
            sample(FrameSampler.builder().range(r[0], r[1]).build(), VideoSource.of(tenSeconds))
                    .forEach(f -> joined.add(f.timeSec()));
        }
        assertThat(joined).isEqualTo(whole);
    }

    @Test
    void rotationMetadataIsApplied() {
        Path rotated = SyntheticVideo.builder().size(160, 90).fps(10).rotation(90).shot(SyntheticVideo.ShotType.SHAPES, 2)
                .build().write(dir.resolve("rot.mp4")).path();
        VideoInfo info = FrameSampler.builder().build().probe(VideoSource.of(rotated));
        assertThat(info.rotationDeg()).isEqualTo(90);
        assertThat(info.displayWidth()).isEqualTo(90);
        List<SampledFrame> frames = sample(FrameSampler.builder().build(), VideoSource.of(rotated));
        assertThat(frames.get(0).image().width()).isEqualTo(90);
        assertThat(frames.get(0).image().height()).isEqualTo(160);
    }

    @Test
    void oddSizesAndVariableFrameRateDecode() {
        Path odd = SyntheticVideo.builder().size(171, 97).fps(20).codec("libvpx", "webm").shot(SyntheticVideo.ShotType.ZOOM, 4)
                .build().write(dir.resolve("odd.webm")).path();
        // Encoders round 4:2:0 sizes to even numbers; what matters is that we decode what is declared.
        VideoInfo info = FrameSampler.builder().build().probe(VideoSource.of(odd));
        assertThat(info.width() % 16).isNotZero();
        List<SampledFrame> frames = sample(FrameSampler.builder().build(), VideoSource.of(odd));
        assertThat(frames).hasSize(4);
        assertThat(frames.get(0).image().width()).isEqualTo(info.width());
        assertThat(frames.get(0).image().height()).isEqualTo(info.height());

        Path vfr = SyntheticVideo.builder().size(160, 90).fps(30).codec("mpeg4", "matroska").variableFrameRate(true)
                .shot(SyntheticVideo.ShotType.SHAPES, 8).build().write(dir.resolve("vfr.mkv")).path();
        List<SampledFrame> vf = sample(FrameSampler.builder().build(), VideoSource.of(vfr));
        assertThat(vf).hasSize(8);
        for (int i = 0; i < vf.size(); i++) assertThat(vf.get(i).timeSec()).isBetween(i - 0.01, i + 0.2);
    }

    @Test
    void keyFramesOnlyAndAdaptiveStrategies() {
        Path gop = SyntheticVideo.builder().size(160, 90).fps(20).gop(40).shot(SyntheticVideo.ShotType.SHAPES, 10)
                .build().write(dir.resolve("gop.mp4")).path();
        List<SampledFrame> keys = sample(FrameSampler.builder().strategy(new SamplingStrategy.KeyFramesOnly()).build(), VideoSource.of(gop));
        assertThat(keys).extracting(SampledFrame::timeSec).containsExactly(0.0, 2.0, 4.0, 6.0, 8.0);

        // A still shot then a busy one: the adaptive sampler spends its frames on the busy part.
        Path mixed = SyntheticVideo.builder().size(160, 90).fps(20).shot(SyntheticVideo.ShotType.FADE, 0.05)
                .shot(SyntheticVideo.ShotType.SHAPES, 6).build().write(dir.resolve("mixed.mp4")).path();
        List<SampledFrame> adaptive = sample(FrameSampler.builder()
                .strategy(new SamplingStrategy.ChangeAdaptive(0.5, 4, 0.02f)).build(), VideoSource.of(mixed));
        assertThat(adaptive.size()).isGreaterThan(6).isLessThanOrEqualTo(25);
    }

    @Test
    void streamsDecodeIncludingIndexAtTheEnd() throws Exception {
        // JavaCV's muxer writes the MP4 index (moov) after the media: the trap for one-pass readers.
        byte[] head = new byte[64];
        try (InputStream in = Files.newInputStream(tenSeconds)) {
            in.readNBytes(head, 0, head.length);
        }
        assertThat(ContainerSniffer.indexAfterMedia(head)).isTrue();
        List<SampledFrame> frames = sample(FrameSampler.builder().build(),
                VideoSource.ofStream("ten.mp4", () -> Files.newInputStream(tenSeconds)));
        assertThat(frames).hasSize(10);

        Path webm = SyntheticVideo.builder().size(160, 90).fps(20).codec("libvpx", "webm").shot(SyntheticVideo.ShotType.PAN, 5)
                .build().write(dir.resolve("stream.webm")).path();
        assertThat(sample(FrameSampler.builder().build(), VideoSource.ofStream("stream.webm", () -> Files.newInputStream(webm))))
                .hasSize(5);
    }

    @Test
    void changeSignalPointsAtTheCutFrame() {
        SyntheticVideo.Generated g = SyntheticVideo.builder().size(160, 90).fps(25).shot(SyntheticVideo.ShotType.FADE, 3.36)
                .shot(SyntheticVideo.ShotType.PAN, 3).build().write(dir.resolve("cut.mp4"));
        List<SampledFrame> frames = sample(FrameSampler.builder().build(), VideoSource.of(g.path()));
        SampledFrame after = frames.get(4); // the first sample of the second shot (t = 4)
        assertThat(after.changeTimeSec()).isCloseTo(g.cutsSec().get(0), within(0.001));
        assertThat(after.changeScore()).isGreaterThan(frames.get(2).changeScore() * 3);
    }
}
