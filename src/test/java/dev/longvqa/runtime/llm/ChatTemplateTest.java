package dev.longvqa.runtime.llm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.longvqa.runtime.llm.GoldenModels.dir;
import static org.assertj.core.api.Assertions.assertThat;

/** The three chat formats, rendered as the checkpoints' Jinja templates render them. */
class ChatTemplateTest {
    private static final PromptPart VIDEO = PromptPart.embeddings(new float[][]{{1, 2}, {3, 4}});

    private static String show(List<PromptPart> parts) {
        StringBuilder b = new StringBuilder();
        for (PromptPart p : parts) {
            b.append(p instanceof PromptPart.Untokenized t ? t.text() : "[" + ((PromptPart.InputEmbeddings) p).rows() + " vectors]");
        }
        return b.toString();
    }

    @Test
    void chatmlAddsQwensDefaultSystemPrompt() {
        assertThat(show(ChatTemplate.CHATML.apply(List.of(ChatMessage.user(VIDEO, PromptPart.text("What happens?"))), true)))
                .isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\n[2 vectors]What happens?<|im_end|>\n<|im_start|>assistant\n");
        assertThat(show(ChatTemplate.CHATML.apply(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), false)))
                .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n");
    }

    @Test
    void llama3TrimsContentAndOpensTheAssistantHeader() {
        assertThat(show(ChatTemplate.LLAMA3.apply(List.of(ChatMessage.system("S"), ChatMessage.user("  Hi  ")), true)))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void idefics3UsesCapitalisedRolesAndNoSpaceBeforeAnImage() {
        assertThat(show(ChatTemplate.IDEFICS3.apply(List.of(ChatMessage.user(VIDEO, PromptPart.text("What?"))), true)))
                .isEqualTo("<|im_start|>User:[2 vectors]What?<end_of_utterance>\nAssistant:");
        assertThat(show(ChatTemplate.IDEFICS3.apply(List.of(ChatMessage.user("Hi")), true)))
                .isEqualTo("<|im_start|>User: Hi<end_of_utterance>\nAssistant:");
    }

    @Test
    void theTemplateFollowsTheFamilyAndItsEndOfTurnStopsGeneration() {
        try (CausalLm qwen = CausalLm.load(dir("qwen2")); CausalLm llama = CausalLm.load(dir("llama"))) {
            assertThat(qwen.chatTemplate()).isEqualTo(ChatTemplate.CHATML);
            assertThat(llama.chatTemplate()).isEqualTo(ChatTemplate.LLAMA3);
            assertThat(qwen.stopTokenIds()).contains(qwen.encode("<|im_end|>")[0]);
            assertThat(llama.stopTokenIds()).contains(llama.encode("<|eot_id|>")[0]).contains(1L);
            // Special tokens in template text become single ids.
            assertThat(qwen.encode("<|im_start|>user\nthe dog<|im_end|>")).hasSize(5).startsWith(2L).endsWith(1L);

            List<ChatMessage> chat = List.of(ChatMessage.user("the dog walks"));
            Generation g = qwen.chat(chat, GenerationConfig.greedy(3));
            assertThat(g.promptTokens()).isEqualTo(qwen.countTokens(ChatTemplate.CHATML.apply(chat, true)));
        }
    }
}
