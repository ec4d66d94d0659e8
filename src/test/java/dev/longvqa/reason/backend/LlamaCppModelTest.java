package dev.longvqa.reason.backend;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Lvcot;
import dev.longvqa.reason.LvcotResult;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import dev.longvqa.scenes.Scene;
import dev.longvqa.reason.SegmentCache;
import dev.longvqa.reason.SegmentInput;
import dev.longvqa.reason.VideoContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** llama.cpp in-process on a tiny random-weight GGUF written by the test. */
class LlamaCppModelTest {
    private static Path dir;
    private static LlamaCppModel model;

    @BeforeAll
    static void load() throws Exception {
        dir = Files.createTempDirectory("gguf");
        Path file = dir.resolve("tiny-random.gguf");
        TinyGguf.write(file, 42);
        model = new LlamaCppModel(file, BackendOptions.defaults(), 1024, 2);
    }

    @AfterAll
    static void unload() throws Exception {
        if (model != null) model.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    @Test
    void greedyGenerationIsDeterministicAndCounted() {
        Prompt p = new Prompt(null, List.of(Part.text("Describe the video segment in detail.")));
        Completion a = model.complete(p, DecodingSettings.greedy(12));
        Completion b = model.complete(p, DecodingSettings.greedy(12));
        assertThat(a.text()).isEqualTo(b.text());
        assertThat(a.completionTokens()).isBetween(1, 12);
        // ChatML scaffolding + the sentence, tokenised by the file's own SentencePiece vocabulary
        assertThat(a.promptTokens()).isGreaterThan(model.render(p).length() / 4);
        assertThat(model.capabilities()).isEqualTo(Capabilities.TEXT_ONLY);
        assertThat(model.render(p)).isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
                + "Describe the video segment in detail.<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void lvcotRunsTextOnlyAndReturnsExactlyWhatTheModelSaid() {
        List<Prompt> seen = new ArrayList<>();
        List<String> said = new ArrayList<>();
        LanguageModel recording = new LanguageModel() {
            @Override
            public String id() {
                return model.id();
            }

            @Override
            public String cacheId() {
                return model.cacheId();
            }

            @Override
            public Capabilities capabilities() {
                return model.capabilities();
            }

            @Override
            public Completion complete(Prompt prompt, DecodingSettings generation) {
                seen.add(prompt);
                Completion c = model.complete(prompt, generation);
                said.add(c.text());
                return c;
            }
        };
        VideoContext video = new VideoContext("tiny", 640, 640, List.of(new Scene(0, 0, 640)),
                (s, e) -> new SegmentInput(s, e, List.of(), List.of(), null, "Subtitles: a cat sleeps."));
        LvcotSettings settings = LvcotSettings.builder().segmentMaxTokens(8).answerMaxTokens(8).build();

        LvcotResult r = new Lvcot(recording, SegmentCache.inMemory(), settings).answer(video, List.of(new JobQuestion("q0", "What sleeps?")));

        assertThat(seen).hasSize(3);
        assertThat(seen.get(0).text()).startsWith("Video segment 1 of 2, from 0s to 320s.").endsWith("Describe the video segment in detail.");
        assertThat(seen.get(2).text()).contains("<think>From 0s to 320s: " + said.get(0).strip()).endsWith("What sleeps?");
        assertThat(r.answers().getFirst().answer()).isEqualTo(said.get(2).strip());
        assertThat(r.completionTokens()).isBetween(3, 24);
    }

    @Test
    void missingFileIsModelUnavailable() {
        assertThatThrownBy(() -> LanguageModels.fromSpec("gguf:" + dir.resolve("nope.gguf"), BackendOptions.defaults()))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("no GGUF model file at");
                });
    }

    @Test
    void aFileThatIsNotAModelIsModelUnavailable() throws Exception {
        Path junk = dir.resolve("junk.gguf");
        Files.writeString(junk, "not a gguf");
        assertThatThrownBy(() -> LanguageModels.fromSpec("gguf:" + junk, BackendOptions.defaults()))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE));
    }
}
