package dev.longvqa.runtime.llm;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.longvqa.runtime.llm.GoldenModels.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Parity with the PyTorch reference (tools/golden/llm_golden.py): the Java decoder must give the
 * same logits (1e-4) and the same greedy tokens for the Llama-style (llama3 rope scaling, tied
 * head, two F32 shards) and Qwen2-style (q/k/v biases, BF16, untied head) checkpoints.
 */
class CausalLmGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void tokenizerMatchesTheReferenceIds(String name) throws Exception {
        JsonNode g = golden(name);
        try (CausalLm lm = CausalLm.load(dir(name))) {
            assertThat(lm.encode(g.get("text").asText())).containsExactly(longs(g.get("ids")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void logitsOfEveryPositionMatch(String name) throws Exception {
        JsonNode g = golden(name);
        float[][] expected = matrix(g.get("logits"));
        try (CausalLm lm = CausalLm.load(dir(name))) {
            float[][] actual = lm.logits(List.of(PromptPart.text(g.get("text").asText())));
            assertThat(actual.length).isEqualTo(expected.length);
            for (int t = 0; t < expected.length; t++) {
                for (int v = 0; v < expected[t].length; v++) {
                    assertThat(actual[t][v]).as("position %d token %d", t, v).isCloseTo(expected[t][v], within(1e-4f));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void greedyContinuationMatchesThroughTheKvCache(String name) throws Exception {
        JsonNode g = golden(name);
        try (CausalLm lm = CausalLm.load(dir(name))) {
            Generation out = lm.generate(List.of(PromptPart.tokens(longs(g.get("ids")))), GenerationConfig.greedy(8));
            assertThat(out.tokenIds()).containsExactly(longs(g.get("greedy")));
            assertThat(out.promptTokens()).isEqualTo(g.get("ids").size());
            assertThat(out.completionTokens()).isEqualTo(8);
            assertThat(out.finishReason()).isEqualTo(Generation.FinishReason.LENGTH);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void embeddingsSplicedBetweenTextMatch(String name) throws Exception {
        JsonNode s = golden(name).get("spliced");
        List<PromptPart> prompt = List.of(
                PromptPart.tokens(longs(s.get("prefix_ids"))),
                PromptPart.embeddings(matrix(s.get("embeddings"))),
                PromptPart.tokens(longs(s.get("suffix_ids"))));
        try (CausalLm lm = CausalLm.load(dir(name))) {
            float[][] logits = lm.logits(prompt);
            float[] expected = floats(s.get("last_logits"));
            float[] last = logits[logits.length - 1];
            for (int v = 0; v < expected.length; v++) assertThat(last[v]).isCloseTo(expected[v], within(1e-4f));

            Generation out = lm.generate(prompt, GenerationConfig.greedy(8));
            assertThat(out.tokenIds()).containsExactly(longs(s.get("greedy")));
            assertThat(out.promptTokens()).isEqualTo(s.get("prefix_ids").size() + s.get("embeddings").size() + s.get("suffix_ids").size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void chunkedPrefillGivesTheSameLogitsAndTokens(String name) throws Exception {
        JsonNode g = golden(name);
        float[][] expected = matrix(g.get("logits"));
        try (CausalLm lm = CausalLm.load(dir(name))) {
            float[][] actual = lm.logits(List.of(PromptPart.tokens(longs(g.get("ids")))), 5); // 13 positions: 5 + 5 + 3
            for (int t = 0; t < expected.length; t++) {
                for (int v = 0; v < expected[t].length; v++) assertThat(actual[t][v]).isCloseTo(expected[t][v], within(1e-4f));
            }
            JsonNode s = g.get("spliced");
            Generation out = lm.generate(List.of(PromptPart.tokens(longs(s.get("prefix_ids"))),
                    PromptPart.embeddings(matrix(s.get("embeddings"))), PromptPart.tokens(longs(s.get("suffix_ids")))),
                    GenerationConfig.builder().maxNewTokens(8).prefillChunk(2).build());
            assertThat(out.tokenIds()).containsExactly(longs(s.get("greedy")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void aStopTokenEndsGenerationAndIsNotReturned(String name) throws Exception {
        JsonNode g = golden(name);
        long[] greedy = longs(g.get("greedy"));
        // Stop on the first token of the greedy run that differs from its predecessor's id set.
        int at = 1;
        while (at < greedy.length && greedy[at] == greedy[0]) at++;
        try (CausalLm lm = CausalLm.load(dir(name))) {
            GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(8)
                    .stopTokenIds(java.util.Set.of(greedy[at])).build();
            Generation out = lm.generate(List.of(PromptPart.tokens(longs(g.get("ids")))), cfg);
            assertThat(out.finishReason()).isEqualTo(Generation.FinishReason.STOP);
            assertThat(out.tokenIds()).containsExactly(java.util.Arrays.copyOf(greedy, at));
            assertThat(out.completionTokens()).isEqualTo(at + 1);
        }
    }
}
