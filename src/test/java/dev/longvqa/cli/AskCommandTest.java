package dev.longvqa.cli;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.tdc.TdcModelFiles;
import dev.longvqa.tdc.TinyTdc;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.longvqa.cli.ScenesCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

class AskCommandTest {
    @TempDir
    static Path dir;
    static SyntheticVideo.Generated video;

    @BeforeAll
    static void generate() {
        video = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.SHAPES, 12)
                .shot(SyntheticVideo.ShotType.PAN, 10).shot(SyntheticVideo.ShotType.ZOOM, 14).build().write(dir.resolve("v.mp4"));
    }

    @Test
    void segmentPassesThenAFinalAnswerFromTheServer() throws Exception {
        try (FakeOpenAiServer llm = new FakeOpenAiServer()) {
            // 36 sampled frames: a rule of 30 frames -> 3 segments stands in for the reference's 900.
            ScenesCommandTest.Run r = run("ask", video.path().toString(), "What is shown?", "--json", "-q",
                    "--llm", "openai:" + llm.base(), "--lvcot", "30:3,20:2", "--cache-dir", dir.resolve("cache1").toString(),
                    "--max-images", "4");
            assertThat(r.err()).isEmpty();
            assertThat(r.exit()).isZero();
            assertThat(llm.chats).hasSize(4);
            for (int i = 0; i < 3; i++) {
                String text = llm.chats.get(i).toString();
                assertThat(text).contains("image_url").contains("data:image/jpeg;base64,").doesNotContain("What is shown?");
                assertThat(text).containsPattern("\\d+(\\.\\d+)?s");
            }
            String last = llm.chats.get(3).toString();
            assertThat(last).contains("What is shown?").contains("reply 1").contains("reply 2").contains("reply 3");
            JsonNode j = Json.mapper().readTree(r.out());
            assertThat(j.get("answer").asText()).isEqualTo(llm.replies.get(3));
            assertThat(j.get("segments")).hasSize(3);
            assertThat(j.get("segments").get(2).get("endSec").asDouble()).isEqualTo(j.get("durationSec").asDouble());
            assertThat(j.get("scenes")).hasSize(3);
            assertThat(j.get("tokens").get("passes")).hasSize(4);
            assertThat(j.get("tokens").get("prompt").asInt()).isEqualTo(400);
            assertThat(j.has("cutsSec")).isTrue();
        }
    }

    @Test
    void profileReferenceSendsTheReferencePromptsToAnyBackend() throws Exception {
        try (FakeOpenAiServer llm = new FakeOpenAiServer()) {
            String[] common = {"ask", video.path().toString(), "What is shown?", "-q", "--llm", "openai:" + llm.base(),
                    "--lvcot", "30:3,20:2", "--no-cache", "--max-images", "2"};
            assertThat(run(concat(common, new String[]{"--profile", "reference"})).exit()).isZero();
            assertThat(llm.chats).hasSize(4);
            assertThat(llm.chats.get(0).toString()).contains("Describe the video segment in detail.");
            String last = llm.chats.get(3).toString();
            assertThat(last).contains("<think>").contains("What is shown?").doesNotContain("From 0");
            // The default for an image backend keeps the timestamped (annotated) wording.
            assertThat(run(common).exit()).isZero();
            assertThat(llm.chats.get(7).toString()).contains("From 0");
            assertThat(run(concat(common, new String[]{"--profile", "nonsense"})).exit()).isEqualTo(2);
        }
    }

    @Test
    void aSecondQuestionCostsOneRequest() throws Exception {
        try (FakeOpenAiServer llm = new FakeOpenAiServer()) {
            String cache = dir.resolve("cache2").toString();
            String[] common = {"--llm", "openai:" + llm.base(), "--lvcot", "30:3,20:2", "--cache-dir", cache, "-q"};
            assertThat(run(concat(new String[]{"ask", video.path().toString(), "First?"}, common)).exit()).isZero();
            assertThat(llm.chats).hasSize(4);
            ScenesCommandTest.Run second = run(concat(new String[]{"ask", video.path().toString(), "Second?"}, common));
            assertThat(second.exit()).isZero();
            assertThat(llm.chats).hasSize(5);
            assertThat(second.out().strip()).isEqualTo(llm.replies.get(4));
        }
    }

    @Test
    void noModelMeansExitThreeBeforeDecoding() {
        ScenesCommandTest.Run r = run("ask", dir.resolve("does-not-matter.mp4").toString(), "Q?", "--llm", "runtime:nobody/none");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("error: MODEL_UNAVAILABLE").contains("nobody/none").contains("--llm");
        // One piece of advice each, and no exception noise such as "ConnectException: null".
        assertThat(r.err()).containsOnlyOnce("models pull").doesNotContain("null)").doesNotContain("Exception");
        ScenesCommandTest.Run down = run("ask", video.path().toString(), "Q?", "--llm", "openai:http://127.0.0.1:9/v1", "-q", "--no-cache");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(down.err().lines().count()).isEqualTo(1);
        assertThat(down.err()).contains("choose another --llm").doesNotContain("--model");
    }

    @Test
    void theEmbeddedRuntimeAnswersWithTheVisionLanguageModel() throws Exception {
        // A tiny random-weight checkpoint with SmolVLM's real layout (vision tower + connector + Llama):
        // the answer is gibberish, but every pass really runs through the DJL runtime with frames as images.
        Path model = Path.of(AskCommandTest.class.getResource("/golden/llm/smolvlm").toURI());
        ScenesCommandTest.Run r = run("ask", video.path().toString(), "What is shown?", "--json", "-q",
                "--llm", "runtime:" + model, "--lvcot", "30:3,20:2", "--no-cache", "--max-images", "2");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        JsonNode j = Json.mapper().readTree(r.out());
        assertThat(j.get("model").asText()).isEqualTo("runtime:" + model);
        assertThat(j.get("segments")).hasSize(3);
        assertThat(j.get("tokens").get("passes")).hasSize(4);
        for (JsonNode pass : j.get("tokens").get("passes")) {
            assertThat(pass.get("promptTokens").asInt()).isGreaterThan(0);
            assertThat(pass.get("completionTokens").asInt()).isGreaterThan(0);
        }
    }

    @Test
    void tdcFilesThatAreMissingAreNamedBeforeAnythingLoads() throws Exception {
        Path empty = java.nio.file.Files.createDirectories(dir.resolve("tdc-empty"));
        ScenesCommandTest.Run r = run("ask", video.path().toString(), "Q?", "--tdc", empty.toString(), "--llm", "runtime:nobody/none", "-q");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: NOT_FOUND").contains("TDC checkpoint").contains("SigLIP").contains("DINOv2")
                .contains("bert/tokenizer.json");
        // explicit files fill the gaps of the directory; only the one still missing is named
        ScenesCommandTest.Run partial = run("ask", video.path().toString(), "Q?", "--tdc", empty.toString(),
                "--tdc-checkpoint", TinyTdc.checkpoint().toString(), "--siglip", TinyTdc.siglip().toString(),
                "--dinov2", TinyTdc.dinov2().toString(), "--llm", "runtime:nobody/none", "-q");
        assertThat(partial.exit()).isEqualTo(2);
        assertThat(partial.err()).contains("BERT tokenizer").doesNotContain("SigLIP").doesNotContain("checkpoint");
    }

    @Test
    void tdcWithAModelOfAnotherWidthOrWithoutEmbeddingsIsABadRequest() throws Exception {
        Path llama32 = Path.of(AskCommandTest.class.getResource("/golden/llm/llama").toURI());
        String[] tdc = {"--tdc-checkpoint", TinyTdc.checkpoint().toString(), "--siglip", TinyTdc.siglip().toString(),
                "--dinov2", TinyTdc.dinov2().toString(), "--bert-tokenizer", TinyTdc.bertTokenizer().toString(), "-q", "--no-cache"};
        ScenesCommandTest.Run wide = run(concat(new String[]{"ask", video.path().toString(), "Q?", "--llm", "runtime:" + llama32}, tdc));
        assertThat(wide.exit()).isEqualTo(2);
        assertThat(wide.err()).startsWith("error: BAD_REQUEST").contains("width 24").contains("hidden size 32");
        assertThat(wide.err().lines().count()).isEqualTo(1);
        try (FakeOpenAiServer llm = new FakeOpenAiServer()) {
            ScenesCommandTest.Run chat = run(concat(new String[]{"ask", video.path().toString(), "Q?", "--llm", "openai:" + llm.base()}, tdc));
            assertThat(chat.exit()).isEqualTo(2);
            assertThat(chat.err()).startsWith("error: BAD_REQUEST").contains("embeddings");
            assertThat(llm.chats).isEmpty();
        }
        ScenesCommandTest.Run budget = run(concat(new String[]{"ask", video.path().toString(), "Q?", "--budget", "lots",
                "--llm", "runtime:" + llama32}, tdc));
        assertThat(budget.exit()).isEqualTo(2);
        assertThat(budget.err()).startsWith("error: BAD_REQUEST").contains("--budget");
    }

    /** The tiny TDC parts in the conventional layout, with a tdc.json giving their small geometry. */
    static Path tinyTdcDir(Path root) throws Exception {
        return TinyTdc.directory(root);
    }

    @Test
    void theConventionalTdcDirectoryLayoutResolves() throws Exception {
        Path root = tinyTdcDir(dir.resolve("tdc-layout"));
        TdcModelFiles f = TdcModelFiles.inDirectory(root, null, null, null, null).requireExisting();
        assertThat(f.checkpoint()).isEqualTo(root);
        assertThat(f.siglip()).isEqualTo(root.resolve("siglip.pt"));
        assertThat(f.dinov2()).isEqualTo(root.resolve("dinov2.onnx"));
        assertThat(f.bertTokenizer()).isEqualTo(root.resolve("bert/tokenizer.json"));
        // tdc.json replaces the reference geometry with the tiny one
        assertThat(f.visionFiles()).usingRecursiveComparison().isEqualTo(new dev.longvqa.tdc.TdcVision.Files(root, List.of(
                new dev.longvqa.tdc.TdcVision.TowerFile(f.siglip(), TinyTdc.files().towers().get(0).preprocessor(), 1, 4),
                new dev.longvqa.tdc.TdcVision.TowerFile(f.dinov2(), TinyTdc.files().towers().get(1).preprocessor(), 1, 4)),
                f.bertTokenizer(), 4));
        // without the manifest: the reference's towers (SigLIP 384 without CLS, DINOv2 378 with)
        TdcModelFiles reference = new TdcModelFiles(f.checkpoint(), f.siglip(), f.dinov2(), f.bertTokenizer(), null);
        assertThat(reference.visionFiles().towers()).extracting(t -> t.preprocessor().size(), t -> t.prefixTokens())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(384, 0), org.assertj.core.groups.Tuple.tuple(378, 1));
        assertThat(f.settings(dev.longvqa.tdc.TdcSettings.defaults())).isEqualTo(TinyTdc.settings());
        assertThat(f.llmEmbedding()).isEmpty();
        // the full HF checkpoint also holds the LLM's tokenizer and embedding table (for openai-embeds:)
        Path llmShard = root.resolve("model-00002-of-00002.safetensors");
        new dev.longvqa.runtime.SafetensorsWriter().put("model.embed_tokens.weight", new long[]{4, 24}, new float[96]).write(llmShard);
        java.nio.file.Files.copy(TinyTdc.bertTokenizer(), root.resolve("tokenizer.json"));
        assertThat(f.llmEmbedding()).hasValueSatisfying(e -> {
            assertThat(e.shard()).isEqualTo(llmShard);
            assertThat(e.tokenizerJson()).isEqualTo(root.resolve("tokenizer.json"));
        });
    }

    @Test
    void askWithTdcShowsTheModelTheVisualContextAndASecondQuestionBuildsOnlyItsOwn() throws Exception {
        Path tdc = tinyTdcDir(dir.resolve("tdc-ask"));
        Path llm = dev.longvqa.runtime.llm.TinyLlama.write(dir.resolve("llm24"), TinyTdc.HIDDEN, 3);
        String[] common = {"--tdc", tdc.toString(), "--device", "cpu", "--llm", "runtime:" + llm, "--lvcot", "30:3,20:2",
                "--cache-dir", dir.resolve("cache-tdc").toString(), "--json", "-q"};
        ScenesCommandTest.Run first = run(concat(new String[]{"ask", video.path().toString(), "What moves?"}, common));
        assertThat(first.err()).isEmpty();
        assertThat(first.exit()).isZero();
        JsonNode j = Json.mapper().readTree(first.out());
        assertThat(j.get("tdc").get("hiddenSize").asInt()).isEqualTo(TinyTdc.HIDDEN);
        assertThat(j.get("tdc").get("engine").asText()).as("auto on the CPU").isEqualTo("onnxruntime");
        assertThat(j.get("tdc").get("contexts").asInt()).isEqualTo(4); // three segments + the final pass
        int visual = j.get("tdc").get("visualTokens").asInt();
        assertThat(visual).isPositive();
        assertThat(j.get("segments")).hasSize(3);
        JsonNode passes = j.get("tokens").get("passes");
        assertThat(passes).hasSize(4);
        int prompt = 0;
        for (JsonNode p : passes) prompt += p.get("promptTokens").asInt();
        assertThat(prompt).isGreaterThan(visual); // every visual token is a prompt position, plus the text

        ScenesCommandTest.Run second = run(concat(new String[]{"ask", video.path().toString(), "Which colour is it?"}, common));
        assertThat(second.exit()).isZero();
        JsonNode k = Json.mapper().readTree(second.out());
        assertThat(k.get("tdc").get("contexts").asInt()).isEqualTo(1);
        assertThat(k.get("tdc").get("cacheId").asText()).isEqualTo(j.get("tdc").get("cacheId").asText());
        int cached = 0;
        for (JsonNode p : k.get("tokens").get("passes")) if (p.get("cached").asBoolean()) cached++;
        assertThat(cached).isEqualTo(3);
    }

    @Test
    void anUnknownTdcEngineIsABadRequestBeforeAnythingLoads() throws Exception {
        Path tdc = tinyTdcDir(dir.resolve("tdc-engine"));
        ScenesCommandTest.Run r = run("ask", video.path().toString(), "Q?", "--tdc", tdc.toString(), "--tdc-engine", "tensorrt",
                "--llm", "runtime:nobody/none", "-q");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: BAD_REQUEST").contains("--tdc-engine").contains("tensorrt").contains("auto, djl or onnxruntime");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
