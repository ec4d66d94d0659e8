package dev.longvqa.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.longvqa.runtime.llm.GoldenModels.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KvCacheTest {

    @Test
    void feedingOneTokenAtATimeIntoAGrowingCacheGivesTheFullPassLogits() throws Exception {
        JsonNode g = golden("qwen2");
        long[] ids = longs(g.get("ids"));
        float[][] expected = matrix(g.get("logits"));
        try (CausalLm lm = CausalLm.load(dir("qwen2"));
             NDManager m = NDManager.newBaseManager("PyTorch");
             KvCache cache = new KvCache(m, lm.config(), 1, DataType.FLOAT32)) {
            DecoderBlock block = lm.block();
            for (int i = 0; i < ids.length; i++) {
                float[] logits;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray hidden = block.forward(block.embed(m.create(new long[]{ids[i]})), cache);
                    logits = block.logits(hidden).toFloatArray();
                }
                for (int v = 0; v < logits.length; v++) assertThat(logits[v]).isCloseTo(expected[i][v], within(1e-4f));
            }
            assertThat(cache.length()).isEqualTo(ids.length);
            assertThat(cache.capacity()).isGreaterThanOrEqualTo(ids.length).isLessThan(2 * ids.length);
        }
    }

    @Test
    void aCachedPrefixServesSeveralContinuationsUnchanged() throws Exception {
        JsonNode g = golden("llama");
        long[] ids = longs(g.get("ids"));
        long[] head = java.util.Arrays.copyOf(ids, 6), tail = java.util.Arrays.copyOfRange(ids, 6, ids.length);
        JsonNode s = g.get("spliced");
        try (CausalLm lm = CausalLm.load(dir("llama"));
             PrefixCache prefix = lm.cachePrefix(List.of(PromptPart.tokens(head)))) {
            assertThat(prefix.length()).isEqualTo(6);
            for (int round = 0; round < 2; round++) {
                Generation out = lm.generate(prefix, List.of(PromptPart.tokens(tail)), GenerationConfig.greedy(8));
                assertThat(out.tokenIds()).containsExactly(longs(g.get("greedy")));
                assertThat(out.promptTokens()).isEqualTo(ids.length);
            }
            // A prefix of embeddings (the TDC context) works the same way.
            try (PrefixCache video = lm.cachePrefix(List.of(PromptPart.tokens(longs(s.get("prefix_ids"))),
                    PromptPart.embeddings(matrix(s.get("embeddings")))))) {
                Generation out = lm.generate(video, List.of(PromptPart.tokens(longs(s.get("suffix_ids")))), GenerationConfig.greedy(8));
                assertThat(out.tokenIds()).containsExactly(longs(s.get("greedy")));
            }
        }
    }

    @Test
    void generationLeavesNoEngineArraysBehind() throws Exception {
        long[] ids = longs(golden("llama").get("ids"));
        try (CausalLm lm = CausalLm.load(dir("llama"))) {
            lm.generate(List.of(PromptPart.tokens(ids)), GenerationConfig.greedy(4));
            int settled = lm.liveArrays();
            for (int i = 0; i < 3; i++) {
                lm.generate(List.of(PromptPart.tokens(ids), PromptPart.embeddings(new float[3][32])), GenerationConfig.greedy(6));
                lm.logits(List.of(PromptPart.tokens(ids)));
            }
            assertThat(lm.liveArrays()).isEqualTo(settled);
        }
    }
}
