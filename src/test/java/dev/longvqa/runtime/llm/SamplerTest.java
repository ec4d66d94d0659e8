package dev.longvqa.runtime.llm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.longvqa.runtime.llm.GoldenModels.dir;
import static dev.longvqa.runtime.llm.GoldenModels.golden;
import static dev.longvqa.runtime.llm.GoldenModels.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {

    @Test
    void greedyTakesTheFirstMaximum() {
        assertThat(Sampler.argmax(new float[]{1, 5, 5, -2})).isEqualTo(1);
        assertThat(new Sampler(GenerationConfig.greedy(1)).next(new float[]{0, 0, 3})).isEqualTo(2);
    }

    @Test
    void temperatureSamplingFollowsTheSoftmax() {
        // logits 0 and ln 3 → probabilities 1/4 and 3/4 at temperature 1; at temperature 2, 1/(1+√3).
        float[] logits = {0f, (float) Math.log(3)};
        assertThat(frequencyOfZero(logits, 1.0)).isCloseTo(0.25, within(0.015));
        assertThat(frequencyOfZero(logits, 2.0)).isCloseTo(1 / (1 + Math.sqrt(3)), within(0.015));
    }

    private static double frequencyOfZero(float[] logits, double temperature) {
        Sampler s = new Sampler(GenerationConfig.builder().temperature(temperature).seed(11).build());
        int zeros = 0, n = 20_000;
        for (int i = 0; i < n; i++) if (s.next(logits) == 0) zeros++;
        return (double) zeros / n;
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        float[] logits = {(float) Math.log(0.1), (float) Math.log(0.6), (float) Math.log(0.3)};
        Sampler narrow = new Sampler(GenerationConfig.builder().temperature(1).topP(0.5).seed(3).build());
        for (int i = 0; i < 500; i++) assertThat(narrow.next(logits)).isEqualTo(1);
        Sampler wider = new Sampler(GenerationConfig.builder().temperature(1).topP(0.8).seed(3).build());
        int[] counts = new int[3];
        for (int i = 0; i < 5000; i++) counts[wider.next(logits)]++;
        assertThat(counts[0]).isZero();
        assertThat((double) counts[2] / 5000).isCloseTo(1 / 3.0, within(0.03));
    }

    @Test
    void seededSamplingIsReproducibleThroughTheModel() throws Exception {
        long[] ids = longs(golden("qwen2").get("ids"));
        try (CausalLm lm = CausalLm.load(dir("qwen2"))) {
            GenerationConfig a = GenerationConfig.builder().maxNewTokens(12).temperature(1.5).topP(0.95).seed(42).build();
            Generation first = lm.generate(List.of(PromptPart.tokens(ids)), a);
            Generation again = lm.generate(List.of(PromptPart.tokens(ids)), a);
            assertThat(again.tokenIds()).containsExactly(first.tokenIds());
            boolean differs = false;
            for (long seed = 1; seed <= 5 && !differs; seed++) {
                Generation other = lm.generate(List.of(PromptPart.tokens(ids)),
                        GenerationConfig.builder().maxNewTokens(12).temperature(1.5).topP(0.95).seed(seed).build());
                differs = !java.util.Arrays.equals(other.tokenIds(), first.tokenIds());
            }
            assertThat(differs).as("other seeds give other samples").isTrue();
        }
    }
}
