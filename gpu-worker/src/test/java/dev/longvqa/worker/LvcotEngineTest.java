package dev.longvqa.worker;

import dev.longvqa.contract.SegmentSummary;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.JobQuestion;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.reason.backend.BackendOptions;
import dev.longvqa.reason.backend.LanguageModels;
import dev.longvqa.video.Images;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker's passes through the core LVCoT and the embedded DJL runtime (tiny SmolVLM-layout checkpoint). */
class LvcotEngineTest {
    /** The core's committed tiny checkpoint, found by walking up from wherever surefire runs. */
    private static final Path MODEL = locate();

    private static Path locate() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("src/test/resources/golden/llm/smolvlm");
            if (java.nio.file.Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException("golden SmolVLM checkpoint not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void segmentAndAnswerPassesRunOnTheRuntime() throws Exception {
        byte[] jpeg = Images.toJpeg(new RgbImage(32, 24, new byte[32 * 24 * 3]));
        VideoRef video = new VideoRef("b", "videos/v.mp4", null, "etag", 10L);
        try (LvcotEngine engine = new LvcotEngine(LanguageModels.fromSpec("runtime:" + MODEL, BackendOptions.builder().build()),
                LvcotSettings.builder().segmentMaxTokens(6).answerMaxTokens(6).build())) {
            SegmentSummarizer.Summarized seg = engine.summarize(new SegmentSummarizer.SegmentWork("job", video, 0, 2, 0, 10,
                    List.of(new SceneInfo(0, 0, 10)),
                    List.of(new FrameImage(2, "k2", jpeg), new FrameImage(7, "k7", jpeg))));
            assertThat(seg.tokens().prompt()).isGreaterThan(0);
            assertThat(seg.tokens().completion()).isBetween(1L, 6L);
            Answerer.AnswerResult answer = engine.answer(new Answerer.AnswerRequest("job", video,
                    List.of(new SegmentSummary(0, 0, 10, "a red ball rolls")), new JobQuestion("q0", "What rolls?")));
            assertThat(answer.tokens().prompt()).isGreaterThan(0);
            // with frames of the whole video, the final pass shows them to a model that sees images
            Answerer.AnswerResult withFrames = engine.answer(new Answerer.AnswerRequest("job", video,
                    List.of(new SegmentSummary(0, 0, 10, "a red ball rolls")), new JobQuestion("q0", "What rolls?"),
                    10, List.of(new SceneInfo(0, 0, 10)), List.of(new FrameImage(1, "k1", jpeg), new FrameImage(9, "k9", jpeg))));
            assertThat(engine.maxImages()).as("the checkpoint has a vision tower; the runtime takes 8 images").isEqualTo(8);
            assertThat(withFrames.tokens().prompt()).as("two images' tokens more").isGreaterThan(answer.tokens().prompt() + 2);
            assertThat(engine.modelId()).isEqualTo("runtime:" + MODEL);
        }
    }
}
