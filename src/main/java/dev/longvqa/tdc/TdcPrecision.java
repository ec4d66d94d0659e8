package dev.longvqa.tdc;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * The number type the projector and the Q-Former compute in. The reference runs them (and the
 * towers) in bfloat16 on the GPU; on a CPU without bfloat16 units float32 is both faster and exact.
 * Inputs and outputs stay float32 either way: only the arithmetic inside changes.
 *
 * <p>bfloat16 is the GPU default because it is what the released checkpoints were trained and are
 * served in: same exponent range as float32 (no overflow in BERT-size activations or additive
 * masks), 8 significant bits. DJL 0.35 cannot name the type, so it is made inside libtorch
 * ({@link Bfloat16}); float16 (11 significant bits, narrower range) stays selectable.
 */
enum TdcPrecision {
    /** bfloat16 on a GPU, float32 on the CPU. */
    AUTO,
    FLOAT32,
    FLOAT16,
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

    /** The data type on {@code device}. */
    public DataType dataType(Device device) {
        return switch (this) {
            case AUTO -> device.isGpu() ? DataType.BFLOAT16 : DataType.FLOAT32;
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> DataType.BFLOAT16;
        };
    }
}
