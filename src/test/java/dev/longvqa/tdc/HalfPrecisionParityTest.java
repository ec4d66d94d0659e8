package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The half-precision paths (the worker's GPU default is bfloat16, as the reference serves the
 * checkpoint; float16 stays selectable) against PyTorch's float32 context for the same frames and
 * question, on the CPU. Tolerances per visual token (relative L2 of the error, cosine):
 * <ul>
 *   <li>float16 keeps 11 significant bits (rounding 2^-11 ≈ 5e-4 per value), which through the
 *       projector and the Q-Former's layers compounds to ~4e-3 of a token's norm: required
 *       ≤ 1 % relative L2, cosine ≥ 0.9995;</li>
 *   <li>bfloat16 keeps 8 (rounding 2^-8 ≈ 4e-3, 8× float16's): required ≤ 5 % relative L2,
 *       cosine ≥ 0.998 — the budget the 8× coarser rounding gives, with float32 itself at 1e-4.</li>
 * </ul>
 */
class HalfPrecisionParityTest {
    record Budget(double maxRelativeL2, double minCosine) {}

    static final Budget FLOAT16 = new Budget(0.01, 0.9995);
    static final Budget BFLOAT16 = new Budget(0.05, 0.998);

    @Test
    void float16ContextMatchesTheFloat32ReferenceWithinItsTolerance() throws Exception {
        parity(TdcPrecision.FLOAT16, DataType.FLOAT16, FLOAT16);
    }

    @Test
    void bfloat16ContextMatchesTheFloat32ReferenceWithinItsTolerance() throws Exception {
        parity(TdcPrecision.BFLOAT16, DataType.BFLOAT16, BFLOAT16);
    }

    private static void parity(TdcPrecision precision, DataType type, Budget budget) throws Exception {
        try (Safetensors io = Golden.open("tdc_e2e_io.safetensors")) {
            List<RgbImage> frames = Golden.rgbFrames(io); // (10, 23, 37, 3)
            float[] expected = io.floats("context");
            float[] fp32, half;
            try (TdcVision vision = TdcVision.load(TinyTdc.files(), TinyTdc.settings(), "cpu", TdcPrecision.AUTO)) {
                assertThat(vision.computeType()).as("AUTO on the CPU").isEqualTo(DataType.FLOAT32);
                try (NDArray ctx = vision.context(List.of(6, 4), 0, frames::get, "What is the man doing?", null)) {
                    fp32 = NdArrays.floats(ctx);
                }
            }
            try (TdcVision vision = TdcVision.load(TinyTdc.files(), TinyTdc.settings(), "cpu", precision)) {
                assertThat(vision.computeType()).isEqualTo(type);
                int before = vision.liveArrays();
                try (NDArray ctx = vision.context(List.of(6, 4), 0, frames::get, "What is the man doing?", null)) {
                    assertThat(ctx.getDataType()).as("the context stays float32").isEqualTo(DataType.FLOAT32);
                    assertThat(ctx.getShape().get(0)).isEqualTo(49);
                    half = NdArrays.floats(ctx);
                }
                assertThat(vision.liveArrays()).as("no array leaks per call").isEqualTo(before);
            }
            assertThat(NdArrays.maxAbsDiff(fp32, expected)).isLessThan(1e-4);
            int width = TinyTdc.HIDDEN;
            double worstRel = 0, worstCos = 1;
            for (int t = 0; t < expected.length / width; t++) {
                double diff = 0, norm = 0, dot = 0, nb = 0;
                for (int j = t * width; j < (t + 1) * width; j++) {
                    diff += (half[j] - expected[j]) * (double) (half[j] - expected[j]);
                    norm += expected[j] * (double) expected[j];
                    nb += half[j] * (double) half[j];
                    dot += half[j] * (double) expected[j];
                }
                worstRel = Math.max(worstRel, Math.sqrt(diff / norm));
                worstCos = Math.min(worstCos, dot / Math.sqrt(norm * nb));
            }
            assertThat(worstRel).as("worst token's relative L2 error").isLessThan(budget.maxRelativeL2());
            assertThat(worstCos).as("worst token's cosine").isGreaterThan(budget.minCosine());
            // It must really have computed in the narrow type: not bit-identical to float32.
            assertThat(NdArrays.maxAbsDiff(half, fp32)).isGreaterThan(1e-6);
            System.out.printf("%s vs float32 reference: worst relative L2 %.4f, worst cosine %.6f, max abs %.5f%n",
                    precision, worstRel, worstCos, NdArrays.maxAbsDiff(half, expected));
        }
    }

    @Test
    void precisionParsesAndResolvesPerDevice() {
        assertThat(TdcPrecision.parse("fp16")).isEqualTo(TdcPrecision.FLOAT16);
        assertThat(TdcPrecision.parse("FP32")).isEqualTo(TdcPrecision.FLOAT32);
        assertThat(TdcPrecision.parse("bf16")).isEqualTo(TdcPrecision.BFLOAT16);
        assertThat(TdcPrecision.AUTO.dataType(ai.djl.Device.gpu())).as("the reference's half precision").isEqualTo(DataType.BFLOAT16);
        assertThat(TdcPrecision.AUTO.dataType(ai.djl.Device.cpu())).isEqualTo(DataType.FLOAT32);
        assertThatThrownBy(() -> TdcPrecision.parse("int4")).isInstanceOf(IllegalArgumentException.class);
    }
}
