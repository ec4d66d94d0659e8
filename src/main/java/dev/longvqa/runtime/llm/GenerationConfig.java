package dev.longvqa.runtime.llm;

import java.util.Set;

/**
 * How to continue a prompt. {@code temperature == 0} is greedy decoding (what LVCoT uses);
 * otherwise tokens are drawn from the temperature-scaled distribution restricted to the
 * smallest set whose probability reaches {@code topP}, from a generator seeded with {@code seed}
 * so the same request gives the same text.
 *
 * @param stopTokenIds extra ids that end generation, besides the model's end-of-turn/eos ids
 * @param prefillChunk  prompt positions run through the decoder per pass; bounds the attention
 *                      score memory of long (TDC) prompts, does not change the result
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, long seed, Set<Long> stopTokenIds,
                               int prefillChunk) {

    public static final int DEFAULT_PREFILL_CHUNK = 512;

    public GenerationConfig {
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0");
        if (temperature < 0) throw new IllegalArgumentException("temperature must be >= 0");
        if (topP <= 0 || topP > 1) throw new IllegalArgumentException("topP must be in (0, 1]");
        if (prefillChunk <= 0) throw new IllegalArgumentException("prefillChunk must be positive");
        stopTokenIds = Set.copyOf(stopTokenIds);
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return builder().maxNewTokens(maxNewTokens).build();
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxNewTokens = 128;
        private double temperature;
        private double topP = 1.0;
        private long seed;
        private Set<Long> stop = Set.of();
        private int prefillChunk = DEFAULT_PREFILL_CHUNK;

        public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder stopTokenIds(Set<Long> v) { stop = v; return this; }
        public Builder prefillChunk(int v) { prefillChunk = v; return this; }

        public GenerationConfig build() {
            return new GenerationConfig(maxNewTokens, temperature, topP, seed, stop, prefillChunk);
        }
    }
}
