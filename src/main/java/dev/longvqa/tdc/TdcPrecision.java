package dev.longvqa.tdc;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * The number type the projector and the Q-Former compute in. The reference runs them in half
 * precision on the GPU; on a CPU without half-precision units float32 is both faster and exact.
 * Inputs and outputs stay float32 either way: only the arithmetic inside changes.
 *
 * <p>Half precision here is float16: DJL 0.35's PyTorch JNI has no bfloat16 (its dtype table
 * stops at float16, and {@code toType(BFLOAT16)} aborts the whole process with "terminate called
 * without an active exception"), so {@link #BFLOAT16} is refused at load with that reason rather
 * than crashing. float16 has 3 more mantissa bits than bfloat16 and the range these layers need
 * (BERT-size activations, softmax inputs bounded by the additive mask, which saturates to -inf).
 */
public enum TdcPrecision {
    /** float16 on a GPU, float32 on the CPU. */
    AUTO,
    FLOAT32,
    FLOAT16,
    /** Refused with DJL 0.35 (see the class comment); kept so configurations can name it. */
    BFLOAT16;

    /** Parses {@code auto}, {@code fp32}/{@code float32}, {@code fp16}/{@code float16}, {@code bf16}/{@code bfloat16}. */
    public static TdcPrecision parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "auto", "" -> AUTO;
            case "fp32", "float32" -> FLOAT32;
            case "fp16", "float16", "half" -> FLOAT16;
            case "bf16", "bfloat16" -> BFLOAT16;
            default -> throw new IllegalArgumentException("precision must be auto, fp32, fp16 or bf16, got '" + s + "'");
        };
    }

    /** The data type on {@code device}; fails for {@link #BFLOAT16}, which this engine cannot compute in. */
    public DataType dataType(Device device) {
        return switch (this) {
            case AUTO -> device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> throw new IllegalArgumentException("bfloat16 is not available: DJL 0.35's PyTorch JNI has no "
                    + "bfloat16 type (casting aborts the process); use fp16, the reference's other half precision");
        };
    }
}
