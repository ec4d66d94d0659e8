package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RopeScalingTest {
    private static RopeScaling parse(String json) throws Exception {
        return RopeScaling.fromJson(Json.mapper().readTree(json));
    }

    @Test
    void llama3KeepsHighFrequenciesAndDividesLowOnes() throws Exception {
        // Llama 3.2's settings: factor 32, low 1, high 4, original context 8192, theta 500000, head 128.
        RopeScaling s = parse("{\"rope_type\":\"llama3\",\"factor\":32.0,\"low_freq_factor\":1.0,"
                + "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}");
        float[] plain = RopeScaling.NONE.inverseFrequencies(128, 500000);
        float[] scaled = s.inverseFrequencies(128, 500000);
        assertThat(scaled[0]).isEqualTo(plain[0]);                       // wavelength 6.3 < 2048: kept
        assertThat(scaled[63]).isCloseTo(plain[63] / 32, within(1e-12f)); // wavelength > 8192: divided
        for (int i = 0; i < 64; i++) {
            double wavelen = 2 * Math.PI / plain[i];
            if (wavelen > 2048 && wavelen < 8192) {
                // The band in between is interpolated: strictly between the two.
                assertThat(scaled[i]).isLessThan(plain[i]).isGreaterThan(plain[i] / 32);
            }
        }
    }

    @Test
    void linearDividesEveryFrequencyAndUnknownTypesAreRefused() throws Exception {
        float[] plain = RopeScaling.NONE.inverseFrequencies(8, 10000);
        float[] linear = parse("{\"type\":\"linear\",\"factor\":2.0}").inverseFrequencies(8, 10000);
        for (int i = 0; i < 4; i++) assertThat(linear[i]).isCloseTo(plain[i] / 2, within(1e-9f));
        assertThat(plain[1]).isCloseTo((float) Math.pow(10000, -0.25), within(1e-7f));
        assertThatThrownBy(() -> parse("{\"type\":\"yarn\",\"factor\":4.0}")).hasMessageContaining("yarn");
        assertThat(parse("null")).isEqualTo(RopeScaling.NONE);
    }
}
