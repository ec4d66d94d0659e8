package dev.longvqa.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Bridges safetensors and DJL: tensors become {@link NDArray}s on the manager's device.
 * Checkpoints ship BF16/F16; the compressor computes in float32 on CPU (libtorch's BF16
 * matmuls on CPU are slower, not faster), so every float type is widened here.
 */
public final class NdArrays {
    private NdArrays() {}

    /** The named tensor as a float32 NDArray; integer tensors become int64. */
    public static NDArray load(NDManager manager, Safetensors file, String name) {
        Safetensors.TensorInfo info = file.info(name);
        Shape shape = new Shape(info.shape());
        return switch (info.dtype()) {
            case I64, I32, I16, I8, U8, BOOL -> {
                float[] v = file.floats(name);
                long[] l = new long[v.length];
                for (int i = 0; i < v.length; i++) l[i] = (long) v[i];
                yield manager.create(l, shape);
            }
            default -> manager.create(file.floats(name), shape);
        };
    }

    /** Copies an NDArray back to a Java float[] (row-major). */
    public static float[] floats(NDArray array) {
        return array.getDataType() == DataType.FLOAT32 ? array.toFloatArray()
                : array.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** Largest absolute element-wise difference; arrays must have the same length. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException(a.length + " != " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }
}
