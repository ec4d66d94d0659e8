package dev.longvqa.runtime.llm;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The decoder never names bfloat16 to DJL 0.35, whose JNI terminates the process on that type:
 * a bf16 checkpoint on a GPU computes in float16, and an explicit bf16 is a typed refusal that
 * happens before any native call (if it did not, this test's JVM would be gone).
 */
class CausalLmTypeTest {

    @Test
    void aBf16CheckpointOnAGpuComputesInFloat16AndTheCpuWidensToFloat32() {
        assertThat(CausalLm.defaultType(Device.gpu(), "bfloat16")).isEqualTo(DataType.FLOAT16);
        assertThat(CausalLm.defaultType(Device.gpu(), "float16")).isEqualTo(DataType.FLOAT16);
        assertThat(CausalLm.defaultType(Device.gpu(), "float32")).isEqualTo(DataType.FLOAT32);
        assertThat(CausalLm.defaultType(Device.cpu(), "bfloat16")).isEqualTo(DataType.FLOAT32);
    }

    @Test
    void anExplicitBfloat16IsRefusedWithATypedErrorNotAnAbort() {
        Path dir = GoldenModels.dir("qwen2");
        assertThatThrownBy(() -> CausalLm.load(dir, Device.cpu(), DataType.BFLOAT16))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("bfloat16");
                });
    }
}
