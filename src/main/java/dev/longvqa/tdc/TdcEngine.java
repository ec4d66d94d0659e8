package dev.longvqa.tdc;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.util.Locale;

/**
 * Which engine runs the TDC Q-Former ({@link FrameCompressor}). The reference runs it in PyTorch;
 * here both engines compute the same function from the checkpoint's tensors:
 * <ul>
 * <li>{@link #DJL}: DJL on libtorch, on the CPU or CUDA, in any {@link TdcPrecision} (bfloat16 on a
 *     GPU, as the reference);</li>
 * <li>{@link #ONNXRUNTIME}: ONNX Runtime on the CPU in float32, with a graph built in Java from the
 *     checkpoint ({@link QFormerOnnx}); on this project's CPUs it runs the Q-Former in a fraction of
 *     libtorch's time (bench/tdc/RESULTS.md): its graph optimiser fuses what DJL's API cannot express;</li>
 * <li>{@link #AUTO}: ONNX Runtime where the Q-Former computes in float32 on the CPU, DJL elsewhere.</li>
 * </ul>
 */
public enum TdcEngine {
    AUTO, DJL, ONNXRUNTIME;

    /** The configuration values, as {@link #parse} reads them. */
    public static final String VALUES = "auto, djl or onnxruntime";

    /** Parses {@code auto}, {@code djl}, {@code onnxruntime} (any case); anything else is BAD_REQUEST naming {@code setting}. */
    public static TdcEngine parse(String value, String setting) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "djl" -> DJL;
            case "onnxruntime" -> ONNXRUNTIME;
            default -> throw LongVqaException.badInput(ErrorCode.BAD_REQUEST,
                    "bad " + setting + " '" + value + "': use " + VALUES);
        };
    }

    /** The value as configured ({@code onnxruntime}). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The engine that runs on {@code device} with {@code precision}: never AUTO. ONNX Runtime
     * (the CPU build the core ships) computes in float32 only, so asking it for half precision is
     * BAD_REQUEST; AUTO keeps the GPU (bfloat16) on DJL.
     */
    TdcEngine resolve(Device device, TdcPrecision precision) {
        return switch (this) {
            case DJL -> DJL;
            case AUTO -> !device.isGpu() && precision.dataType(device) == DataType.FLOAT32 ? ONNXRUNTIME : DJL;
            case ONNXRUNTIME -> {
                if (precision != TdcPrecision.AUTO && precision.dataType(device) != DataType.FLOAT32) {
                    throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "the onnxruntime TDC engine computes in float32, not "
                            + precision.name().toLowerCase(Locale.ROOT) + ": use the djl engine for half precision");
                }
                yield ONNXRUNTIME;
            }
        };
    }
}
