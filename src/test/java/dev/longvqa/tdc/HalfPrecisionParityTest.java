package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The half-precision path (what the worker runs on a GPU: float16, DJL 0.35 has no bfloat16)
 * against PyTorch's float32 context for the same frames and question, on the CPU. Tolerance:
 * float16 keeps 11 significant bits (relative rounding 2^-11 ≈ 5e-4 per value); through the
 * projector and the Q-Former's layers that compounds to about 1e-3 of each token's norm. We
 * require every visual token within 1 % of its norm (L2) of the float32 reference and a cosine of
 * at least 0.9995 (the bfloat16 budget would be ~8x looser) — while float32 itself stays at 1e-4.
 */
class HalfPrecisionParityTest {
    static final double MAX_RELATIVE_L2 = 0.01;
    static final double MIN_COSINE = 0.9995;

    @Test
    void halfPrecisionContextMatchesTheFloat32ReferenceWithinTheStatedTolerance() throws Exception {
        try (Safetensors io = Golden.open("tdc_e2e_io.safetensors")) {
            List<RgbImage> frames = Golden.rgbFrames(io); // (10, 23, 37, 3)
            float[] expected = io.floats("context");
            float[] fp32, bf16;
            try (TdcVision vision = TdcVision.load(TinyTdc.files(), TinyTdc.settings(), "cpu", TdcPrecision.AUTO)) {
                assertThat(vision.computeType()).as("AUTO on the CPU").isEqualTo(DataType.FLOAT32);
                try (NDArray ctx = vision.context(List.of(6, 4), 0, frames::get, "What is the man doing?", null)) {
                    fp32 = NdArrays.floats(ctx);
                }
            }
            try (TdcVision vision = TdcVision.load(TinyTdc.files(), TinyTdc.settings(), "cpu", TdcPrecision.FLOAT16)) {
                assertThat(vision.computeType()).isEqualTo(DataType.FLOAT16);
                int before = vision.liveArrays();
                try (NDArray ctx = vision.context(List.of(6, 4), 0, frames::get, "What is the man doing?", null)) {
                    assertThat(ctx.getDataType()).as("the context stays float32").isEqualTo(DataType.FLOAT32);
                    assertThat(ctx.getShape().get(0)).isEqualTo(49);
                    bf16 = NdArrays.floats(ctx);
                }
                assertThat(vision.liveArrays()).isEqualTo(before);
            }
            assertThat(NdArrays.maxAbsDiff(fp32, expected)).isLessThan(1e-4);
            int width = TinyTdc.HIDDEN;
            double worstRel = 0, worstCos = 1;
            for (int t = 0; t < expected.length / width; t++) {
                double diff = 0, norm = 0, dot = 0, nb = 0;
                for (int j = t * width; j < (t + 1) * width; j++) {
                    diff += (bf16[j] - expected[j]) * (double) (bf16[j] - expected[j]);
                    norm += expected[j] * (double) expected[j];
                    nb += bf16[j] * (double) bf16[j];
                    dot += bf16[j] * (double) expected[j];
                }
                worstRel = Math.max(worstRel, Math.sqrt(diff / norm));
                worstCos = Math.min(worstCos, dot / Math.sqrt(norm * nb));
            }
            assertThat(worstRel).as("worst token's relative L2 error").isLessThan(MAX_RELATIVE_L2);
            assertThat(worstCos).as("worst token's cosine").isGreaterThan(MIN_COSINE);
            // It must really have computed in half precision: not bit-identical to float32.
            assertThat(NdArrays.maxAbsDiff(bf16, fp32)).isGreaterThan(1e-6);
            System.out.printf("fp16 vs float32 reference: worst relative L2 %.4f, worst cosine %.6f%n", worstRel, worstCos);
        }
    }

    @Test
    void precisionParsesAndResolvesPerDevice() {
        assertThat(TdcPrecision.parse("fp16")).isEqualTo(TdcPrecision.FLOAT16);
        assertThat(TdcPrecision.parse("FP32")).isEqualTo(TdcPrecision.FLOAT32);
        assertThat(TdcPrecision.AUTO.dataType(ai.djl.Device.gpu())).isEqualTo(DataType.FLOAT16);
        assertThat(TdcPrecision.AUTO.dataType(ai.djl.Device.cpu())).isEqualTo(DataType.FLOAT32);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TdcPrecision.parse("int4"))
                .isInstanceOf(IllegalArgumentException.class);
        // bf16 would abort the JVM inside DJL's JNI: it must be refused in Java, with the reason.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TdcPrecision.BFLOAT16.dataType(ai.djl.Device.gpu()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fp16");
    }
}
