package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkpoint chat templates rendered by Jinjava against Python jinja2 rendering them as
 * transformers' apply_chat_template does (tools/golden/chat_template_golden.py): Qwen2 and
 * Llama 3.2 layouts, embedding blocks inside user turns, no system turn, no generation prompt,
 * a 3000-word prompt.
 */
class JinjaChatTemplateTest {
    private static JsonNode golden;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = JinjaChatTemplateTest.class.getResourceAsStream("/golden/chat/chat_templates.json")) {
            golden = Json.mapper().readTree(in);
        }
    }

    private static JinjaChatTemplate template(String name) {
        JsonNode t = golden.path("templates").path(name);
        return new JinjaChatTemplate(t.path("template").asText(), t.path("bos").asText(null), t.path("eos").asText(null), t.path("eos").asText());
    }

    /** The golden's messages, its marker for block 0 turned into a real embedding block. */
    private static List<ChatMessage> messages(JsonNode c) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : c.path("messages")) {
            String content = m.path("content").asText();
            ChatMessage.Role role = ChatMessage.Role.valueOf(m.path("role").asText().toUpperCase(java.util.Locale.ROOT));
            List<PromptPart> parts = new ArrayList<>();
            String marker = "\uE0000\uE001";
            int at = content.indexOf(marker);
            if (at < 0) {
                parts.add(PromptPart.text(content));
            } else {
                if (at > 0) parts.add(PromptPart.text(content.substring(0, at)));
                parts.add(new PromptPart.InputEmbeddings(new float[6], 3, 2));
                parts.add(PromptPart.text(content.substring(at + marker.length())));
            }
            out.add(new ChatMessage(role, parts));
        }
        return out;
    }

    @Test
    void rendersLikeTransformersForQwen2AndLlama32Layouts() {
        assertThat(golden.path("cases").size()).isEqualTo(10);
        for (JsonNode c : golden.path("cases")) {
            JinjaChatTemplate t = template(c.path("template").asText());
            List<ChatMessage> msgs = messages(c);
            String today = JinjaChatTemplate.strftimeNow("%d %b %Y");
            String expected = c.path("expected").asText().replace("<<DATE:%d %b %Y>>", today);
            assertThat(t.renderText(msgs, c.path("generationPrompt").asBoolean()))
                    .as(c.path("template").asText() + " " + c.path("case").asText()).isEqualTo(expected);
            List<PromptPart> parts = t.apply(msgs, c.path("generationPrompt").asBoolean());
            long blocks = parts.stream().filter(p -> p instanceof PromptPart.InputEmbeddings).count();
            assertThat(blocks).isEqualTo(msgs.stream().flatMap(m -> m.content().stream()).filter(p -> p instanceof PromptPart.InputEmbeddings).count());
        }
    }

    @Test
    void qwen2TemplateGivesTheHandWrittenChatMlAndLlamaGetsItsSystemTurn() {
        JsonNode seg = golden.path("cases").get(0);
        List<ChatMessage> msgs = messages(seg);
        assertThat(template("qwen2").apply(msgs, true)).isEqualTo(ChatTemplate.CHATML.apply(msgs, true));
        // the hand-written Llama 3 format has no date/system block: the checkpoint's template does
        String llama = template("llama32").renderText(msgs, true);
        assertThat(llama).contains("Cutting Knowledge Date: December 2023\nToday Date: ").contains("You are a helpful assistant.<|eot_id|>");
        StringBuilder hand = new StringBuilder();
        for (PromptPart p : ChatTemplate.LLAMA3.apply(msgs, true)) hand.append(p instanceof PromptPart.Untokenized t ? t.text() : "<image>");
        assertThat(hand.toString()).doesNotContain("Cutting Knowledge Date");
    }

    @Test
    void readsTheTemplateAndTokensFromTheCheckpointAndKeepsTheFamilyFormatForTypedContent() throws Exception {
        JsonNode t = golden.path("templates").path("llama32");
        ObjectMapper json = Json.mapper();
        var config = json.createObjectNode();
        config.put("chat_template", t.path("template").asText());
        config.putObject("bos_token").put("content", "<|begin_of_text|>").put("special", true);
        config.put("eos_token", "<|eot_id|>");
        Files.writeString(dir.resolve("tokenizer_config.json"), json.writeValueAsString(config));
        JinjaChatTemplate read = JinjaChatTemplate.fromCheckpoint(dir, "<|eot_id|>").orElseThrow();
        assertThat(read.renderText(List.of(ChatMessage.user("x")), false)).startsWith("<|begin_of_text|><|start_header_id|>system");

        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": \"{% for m in messages %}{% for line in m['content'] %}{% if line['type'] == 'text' %}{{ line['text'] }}{% endif %}{% endfor %}{% endfor %}\"}");
        assertThat(JinjaChatTemplate.fromCheckpoint(dir, "<end_of_utterance>")).isEmpty();
        Files.delete(dir.resolve("tokenizer_config.json"));
        assertThat(JinjaChatTemplate.fromCheckpoint(dir, "<|im_end|>")).isEmpty();
    }

    @Test
    void theRuntimeRendersACheckpointWithItsOwnTemplateAndCountsWhatItFeeds() throws Exception {
        // the golden tiny Llama, given a Llama-3.2-layout tokenizer_config.json as real checkpoints have
        Path golden = Path.of(getClass().getResource("/golden/llm/llama/config.json").toURI()).getParent();
        try (var files = Files.list(golden)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        JsonNode t = JinjaChatTemplateTest.golden.path("templates").path("llama32");
        ObjectMapper json = Json.mapper();
        var config = json.createObjectNode().put("chat_template", t.path("template").asText())
                .put("bos_token", "<|begin_of_text|>").put("eos_token", "<|eot_id|>");
        Files.writeString(dir.resolve("tokenizer_config.json"), json.writeValueAsString(config));
        try (CausalLm lm = CausalLm.load(dir);
             var model = dev.longvqa.reason.backend.LanguageModels.fromSpec("runtime:" + dir,
                     dev.longvqa.reason.backend.BackendOptions.builder().build())) {
            assertThat(lm.chatTemplate()).isInstanceOf(JinjaChatTemplate.class);
            var block = new dev.longvqa.reason.EmbeddingBlock(3, 32, new float[96]);
            var prompt = new dev.longvqa.reason.Prompt("You are a helpful assistant.", List.of(
                    new dev.longvqa.reason.Part.Embeddings(block), dev.longvqa.reason.Part.text("\nDescribe the video segment in detail.")));
            // the text it feeds: the golden rendering (transformers' semantics), tokenised around the block
            String expected = JinjaChatTemplateTest.golden.path("cases").get(5).path("expected").asText()
                    .replace("<<DATE:%d %b %Y>>", JinjaChatTemplate.strftimeNow("%d %b %Y"));
            String[] around = expected.split("<image>");
            int text = lm.encode(around[0]).length + lm.encode(around[1]).length;
            assertThat(model.textTokens(prompt)).hasValue(text);
            var c = model.complete(prompt, dev.longvqa.reason.DecodingSettings.greedy(1));
            assertThat(c.promptTokens()).isEqualTo(text + 3);
        }
    }

    @Test
    void aTemplateThatRaisesOrDropsContentIsAnError() {
        JinjaChatTemplate raising = new JinjaChatTemplate("{{ raise_exception('only user turns') }}", null, null, "x");
        assertThatThrownBy(() -> raising.apply(List.of(ChatMessage.user("hi")), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only user turns");
        JinjaChatTemplate dropping = new JinjaChatTemplate("{% for m in messages %}{{ m['role'] }}{% endfor %}", null, null, "x");
        assertThatThrownBy(() -> dropping.apply(List.of(ChatMessage.user(new PromptPart.InputEmbeddings(new float[2], 1, 2))), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropped");
        assertThat(JinjaChatTemplate.strftime(LocalDateTime.of(2024, 7, 26, 9, 5), "%d %b %Y %H:%M %%")).isEqualTo("26 Jul 2024 09:05 %");
    }
}
