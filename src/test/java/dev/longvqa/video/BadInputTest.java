package dev.longvqa.video;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bad-input corpus, generated at test time: every case fails fast with a typed error, or decodes what is there. */
@Timeout(60)
class BadInputTest {
    @TempDir
    static Path dir;
    static Path video;
    static Path fastStart;

    @BeforeAll
    static void generate() throws Exception {
        video = SyntheticVideo.builder().size(160, 90).fps(25).shot(SyntheticVideo.ShotType.SHAPES, 6).build()
                .write(dir.resolve("ok.mp4")).path();
        fastStart = FastStart.write(dir.resolve("faststart.mp4"), 6);
    }

    static ErrorCode codeOf(Path p) {
        return codeOf(p, VideoLimits.DEFAULT);
    }

    static ErrorCode codeOf(Path p, VideoLimits limits) {
        try {
            FrameSampler.builder().limits(limits).build().sample(VideoSource.of(p), f -> { });
            return null;
        } catch (LongVqaException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            return e.code();
        }
    }

    static Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void missingEmptyRandomAndText() throws Exception {
        assertThat(codeOf(dir.resolve("nope.mp4"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(codeOf(write("empty.mp4", new byte[0]))).isEqualTo(ErrorCode.EMPTY);
        byte[] noise = new byte[200_000];
        new Random(7).nextBytes(noise);
        assertThat(codeOf(write("random.mp4", noise))).isEqualTo(ErrorCode.NOT_A_VIDEO);
        assertThat(codeOf(write("notes.mp4", "just some text, not a video\n".repeat(100).getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(ErrorCode.NOT_A_VIDEO);
        assertThat(codeOf(dir)).isEqualTo(ErrorCode.NOT_A_VIDEO);
    }

    @Test
    void imagesRenamedAsVideosAreNotVideos() throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (String fmt : List.of("png", "jpg")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, fmt, out);
            assertThat(codeOf(write("picture-" + fmt + ".mp4", out.toByteArray()))).isEqualTo(ErrorCode.NOT_A_VIDEO);
        }
    }

    @Test
    void audioOnlyHasNoVideoStream() throws Exception {
        assertThat(codeOf(write("tone.wav", wav(16000, 2.0)))).isEqualTo(ErrorCode.NO_VIDEO_STREAM);
        assertThat(codeOf(write("tone.mp4", wav(16000, 2.0)))).isEqualTo(ErrorCode.NO_VIDEO_STREAM);
    }

    @Test
    void truncatedWithIndexAtTheEndIsTruncated() throws Exception {
        byte[] all = Files.readAllBytes(video);
        assertThat(codeOf(write("cut-moov-end.mp4", java.util.Arrays.copyOf(all, all.length / 2)))).isEqualTo(ErrorCode.TRUNCATED);
        assertThat(codeOf(write("tiny-head.mp4", java.util.Arrays.copyOf(all, 40)))).isEqualTo(ErrorCode.TRUNCATED);
    }

    @Test
    void truncatedWithIndexInFrontIsTruncatedWhereItEnds() throws Exception {
        // faststart: the index (moov) is in front, so the cut file opens and decodes the frames it
        // holds; it must not pass for the whole 6 s, in one pass or in parallel ranges.
        byte[] all = Files.readAllBytes(fastStart);
        Path cut = write("cut-faststart.mp4", java.util.Arrays.copyOf(all, all.length * 6 / 10));
        for (FrameSampler sampler : new FrameSampler[]{FrameSampler.builder().build(),
                FrameSampler.builder().parallelRanges(3, 0.5).build()}) {
            assertThatThrownBy(() -> sampler.sample(VideoSource.of(cut), f -> { }))
                    .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED))
                    .hasMessageMatching(".*cut-faststart\\.mp4 ends at \\d\\.\\d s of the 6\\.0 s its index declares: the file is probably truncated");
        }
        // the whole file passes with every second sampled; a file short of its index by less than the
        // slack (1 s here: its last few frames) decodes what it holds
        List<SampledFrame> frames = new ArrayList<>();
        FrameSampler.builder().build().sample(VideoSource.of(fastStart), frames::add);
        assertThat(frames).hasSize(6);
        assertThat(codeOf(write("cut-last-frames.mp4", java.util.Arrays.copyOf(all, all.length * 98 / 100)))).isNull();
    }

    @Test
    void aTimeRangeThatEndsBeforeTheCutIsNotTruncated() throws Exception {
        // what a Lambda decode-range reads: [0, 2) s of a file cut at ~60 % stops before the cut
        byte[] all = Files.readAllBytes(fastStart);
        Path cut = write("cut-faststart-range.mp4", java.util.Arrays.copyOf(all, all.length * 6 / 10));
        List<SampledFrame> frames = new ArrayList<>();
        FrameSampler.builder().range(0, 2).build().sample(VideoSource.of(cut), frames::add);
        assertThat(frames).hasSize(2);
    }

    @Test
    void hugeDeclaredResolutionIsRejectedBeforeDecoding() throws Exception {
        // A raw YUV4MPEG2 stream declaring 16000x16000 pixels per frame (256 megapixels).
        byte[] header = "YUV4MPEG2 W16000 H16000 F25:1 Ip A1:1 C420jpeg\nFRAME\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[header.length + 4096];
        System.arraycopy(header, 0, body, 0, header.length);
        assertThat(codeOf(write("huge.y4m", body))).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void configuredLimitsApplyBeforeTheWork() {
        assertThat(codeOf(video, VideoLimits.DEFAULT.withMaxDurationSec(3))).isEqualTo(ErrorCode.TOO_LONG);
        assertThat(codeOf(video, VideoLimits.DEFAULT.withMaxBytes(1000))).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(codeOf(video, VideoLimits.DEFAULT.withMaxFrames(3))).isEqualTo(ErrorCode.TOO_LONG);
        assertThat(codeOf(video, new VideoLimits(1L << 40, 3600, 1000, 1000))).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void shortVideosAreValid() {
        Path one = SyntheticVideo.builder().size(160, 90).fps(25).shot(SyntheticVideo.ShotType.SHAPES, 0.04).build()
                .write(dir.resolve("one-frame.mp4")).path();
        List<SampledFrame> frames = new ArrayList<>();
        FrameSampler.builder().build().sample(VideoSource.of(one), frames::add);
        assertThat(frames).hasSize(1);
        assertThat(codeOf(dir.resolve("ok.mp4"))).isNull();
    }

    @Test
    void errorsFromStreamsAreTypedToo() throws Exception {
        byte[] noise = new byte[100_000];
        new Random(3).nextBytes(noise);
        assertThatThrownBy(() -> FrameSampler.builder().build().sample(
                VideoSource.ofStream("noise", () -> new java.io.ByteArrayInputStream(noise)), f -> { }))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_A_VIDEO));
        assertThatThrownBy(() -> FrameSampler.builder().build().sample(
                VideoSource.ofStream("empty", () -> new java.io.ByteArrayInputStream(new byte[0])), f -> { }))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EMPTY));
    }

    /** 16-bit mono PCM WAV of a sine tone. */
    static byte[] wav(int rate, double seconds) {
        int n = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * n).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * n);
        for (int i = 0; i < n; i++) b.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate)));
        return b.array();
    }
}
