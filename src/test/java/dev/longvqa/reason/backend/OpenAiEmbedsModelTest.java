package dev.longvqa.reason.backend;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.Json;
import dev.longvqa.RequiredTool;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.reason.FakeLlmServer;
import dev.longvqa.reason.FakeLlmServer.Reply;
import dev.longvqa.reason.Lvcot;
import dev.longvqa.reason.LvcotResult;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.scenes.Scene;
import dev.longvqa.reason.SegmentCache;
import dev.longvqa.reason.SegmentInput;
import dev.longvqa.reason.VideoContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** LVCoT through vLLM's prompt_embeds: the wire carries the templated prompt as a torch tensor. */
class OpenAiEmbedsModelTest {
    static final int HIDDEN = 4;
    private FakeLlmServer server;

    /**
     * Stands in for the LLM's tokenizer + embedding table: one row per character
     * (code point, position-free), so a test can read the text back out of a tensor.
     */
    static class CharEmbedder implements TokenEmbedder {
        @Override
        public String id() {
            return "chars-v1";
        }

        @Override
        public int hidden() {
            return HIDDEN;
        }

        @Override
        public EmbeddingBlock embed(String text) {
            float[] v = new float[text.length() * HIDDEN];
            for (int i = 0; i < text.length(); i++) {
                v[i * HIDDEN] = text.charAt(i);
                v[i * HIDDEN + 3] = 1; // marks a text row
            }
            return new EmbeddingBlock(text.length(), HIDDEN, v);
        }
    }

    /** Reads the text back: text rows → chars, each run of video rows → "<V:n:first>". */
    static String decode(TorchSave.Tensor t) {
        StringBuilder b = new StringBuilder();
        int rows = (int) t.shape()[0];
        for (int r = 0; r < rows; r++) {
            float[] v = t.values();
            if (v[r * HIDDEN + 3] == 1) {
                b.append((char) v[r * HIDDEN]);
            } else {
                int start = r;
                while (r + 1 < rows && v[(r + 1) * HIDDEN + 3] != 1) r++;
                b.append("<V:").append(r - start + 1).append(':').append((int) v[start * HIDDEN + 1]).append('>');
            }
        }
        return b.toString();
    }

    /** TDC block stand-in for a range: one row per 50 s, second column = start second. */
    static EmbeddingBlock videoBlock(double start, double end) {
        int tokens = (int) Math.ceil((end - start) / 50);
        float[] v = new float[tokens * HIDDEN];
        for (int i = 0; i < tokens; i++) {
            v[i * HIDDEN + 1] = (float) start;
            v[i * HIDDEN + 2] = i;
        }
        return new EmbeddingBlock(tokens, HIDDEN, v);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void lvcotSendsTemplatedPromptEmbedsWithTheVideoBlocksSpliced() throws Exception {
        server = new FakeLlmServer(r -> {
            if (r.path().equals("/v1/models")) return Reply.ok(FakeLlmServer.models("tdc-qwen2-7b"));
            String text = decode(tensorOf(r.json()));
            return Reply.ok(text.contains("Describe the video segment")
                    ? FakeLlmServer.completion(" summary@" + text.substring(text.indexOf("from ") + 5, text.indexOf('.', text.indexOf("from "))), 100, 20)
                    : FakeLlmServer.completion("B", 300, 1));
        });
        var model = LanguageModels.fromSpec("openai-embeds:" + server.base(),
                BackendOptions.builder().tokenEmbedder(new CharEmbedder()).embedsDtype(TorchSave.ElementType.FLOAT32).build());
        VideoContext video = new VideoContext("vh", 620, 620, List.of(new Scene(0, 0, 400), new Scene(1, 400, 620)),
                (s, e) -> new SegmentInput(s, e, List.of(), List.of(), videoBlock(s, e), ""));

        LvcotResult r = new Lvcot(model, SegmentCache.inMemory(), LvcotSettings.defaults())
                .answer(video, List.of(new JobQuestion("q", "Which option? A or B")));

        assertThat(server.requests()).extracting(FakeLlmServer.Request::path)
                .containsExactly("/v1/models", "/v1/completions", "/v1/completions", "/v1/completions");
        List<String> prompts = new ArrayList<>();
        for (FakeLlmServer.Request req : server.requests("/v1/completions")) {
            JsonNode body = req.json();
            List<String> fields = new ArrayList<>();
            body.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("model", "prompt_embeds", "max_tokens", "temperature");
            assertThat(body.get("model").asText()).isEqualTo("tdc-qwen2-7b");
            TorchSave.Tensor t = tensorOf(body);
            assertThat(t.dtype()).isEqualTo(TorchSave.ElementType.FLOAT32);
            assertThat(t.shape()[1]).isEqualTo(HIDDEN);
            prompts.add(decode(t));
        }
        String sys = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n";
        String gen = "<|im_end|>\n<|im_start|>assistant\n";
        assertThat(prompts.get(0)).isEqualTo(sys + "Video segment 1 of 2, from 0s to 310s. Scenes: 0s–310s.\n<V:7:0>\n"
                + "Describe the video segment in detail." + gen);
        assertThat(prompts.get(1)).isEqualTo(sys + "Video segment 2 of 2, from 310s to 620s. Scenes: 310s–400s, 400s–620s.\n<V:7:310>\n"
                + "Describe the video segment in detail." + gen);
        assertThat(server.requests("/v1/completions").get(0).json().get("max_tokens").asInt()).isEqualTo(128);
        assertThat(prompts.get(2)).isEqualTo(sys + "Video from 0s to 620s. Scenes: 0s–400s, 400s–620s.\n<V:13:0>\n"
                + "<think>From 0s to 310s: summary@0s to 310s From 310s to 620s: summary@310s to 620s</think>Which option? A or B" + gen);
        assertThat(r.answers().getFirst().answer()).isEqualTo("B");
        assertThat(r.promptTokens()).isEqualTo(500);

    }

    @Test
    void aCheckpointWithItsOwnChatTemplateFramesThePromptWithIt() throws Exception {
        // a Llama-3.2-layout checkpoint: its template gives the system block and date line ChatML never would
        JsonNode golden;
        try (var in = getClass().getResourceAsStream("/golden/chat/chat_templates.json")) {
            golden = Json.mapper().readTree(in);
        }
        JsonNode llama = golden.path("templates").path("llama32");
        var format = new dev.longvqa.runtime.llm.JinjaChatTemplate(llama.path("template").asText(), "<|begin_of_text|>", "<|eot_id|>", "<|eot_id|>");
        TokenEmbedder withTemplate = new CharEmbedder() {
            @Override
            public java.util.Optional<dev.longvqa.runtime.llm.ChatFormat> chatFormat() {
                return java.util.Optional.of(format);
            }
        };
        server = new FakeLlmServer(r -> Reply.ok(FakeLlmServer.completion("ok", 1, 1)));
        var model = new OpenAiEmbedsModel(server.base(), BackendOptions.builder().model("m").tokenEmbedder(withTemplate)
                .embedsDtype(TorchSave.ElementType.FLOAT32).build());
        var prompt = new dev.longvqa.reason.Prompt("You are a helpful assistant.", List.of(new dev.longvqa.reason.Part.Embeddings(videoBlock(0, 100)),
                dev.longvqa.reason.Part.text("\nDescribe the video segment in detail.")));
        model.complete(prompt, dev.longvqa.reason.DecodingSettings.greedy(8));
        String sent = decode(tensorOf(server.requests().getFirst().json()));
        String expected = golden.path("cases").get(5).path("expected").asText()
                .replace("<<DATE:%d %b %Y>>", dev.longvqa.runtime.llm.JinjaChatTemplate.strftimeNow("%d %b %Y"))
                .replace("<image>", "<V:2:0>");
        assertThat(golden.path("cases").get(5).path("template").asText() + golden.path("cases").get(5).path("case").asText()).isEqualTo("llama32segment");
        assertThat(sent).isEqualTo(expected);
        // the count TDC plans with: every text row sent
        assertThat(model.textTokens(prompt)).hasValue(sent.length() - "<V:2:0>".length());
        assertThat(model.cacheId()).contains(format.id());
    }

    @Test
    void bfloat16OnTheWireLoadsInPytorch(@TempDir Path dir) throws Exception {
        RequiredTool.require(PythonTorch.available(), "python3 with torch (Debian python3-torch)");
        server = new FakeLlmServer(r -> Reply.ok(FakeLlmServer.completion("ok", 1, 1)));
        var model = new OpenAiEmbedsModel(server.base(), BackendOptions.builder().model("m").tokenEmbedder(new CharEmbedder()).build());
        model.complete(new dev.longvqa.reason.Prompt(null, List.of(dev.longvqa.reason.Part.text("hi"),
                new dev.longvqa.reason.Part.Embeddings(videoBlock(0, 100)))), dev.longvqa.reason.DecodingSettings.greedy(8));
        String b64 = server.requests().getFirst().json().get("prompt_embeds").asText();
        Path f = dir.resolve("bf16.b64");
        Files.write(f, b64.getBytes(StandardCharsets.US_ASCII));
        JsonNode loaded = PythonTorch.check(true, f).getFirst();
        assertThat(loaded.get("dtype").asText()).isEqualTo("bfloat16");
        assertThat(loaded.get("shape").get(0).asInt()).isEqualTo(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n".length() + 2 + 2
                        + "<|im_end|>\n<|im_start|>assistant\n".length());
        assertThat(Arrays.copyOfRange(TorchSave.read(Base64.getDecoder().decode(b64)).values(), 0, 4))
                .containsExactly('<', 0, 0, 1);
    }

    static TorchSave.Tensor tensorOf(JsonNode body) {
        try {
            return TorchSave.read(Base64.getDecoder().decode(body.get("prompt_embeds").asText()));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
