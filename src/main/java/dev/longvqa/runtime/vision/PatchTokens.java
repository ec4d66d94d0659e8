package dev.longvqa.runtime.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch of encoder outputs, (batch, tokens, dim) row-major, engine-neutral so ONNX Runtime and
 * DJL encoders return the same thing.
 */
public record PatchTokens(int batch, int tokens, int dim, float[] data) {
    public PatchTokens {
        if ((long) batch * tokens * dim != data.length) {
            throw new IllegalArgumentException(batch + "x" + tokens + "x" + dim + " != " + data.length);
        }
    }

    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(batch, tokens, dim));
    }

    /** One token of one frame. */
    public float[] token(int frame, int token) {
        float[] out = new float[dim];
        System.arraycopy(data, (frame * tokens + token) * dim, out, 0, dim);
        return out;
    }

    /** Drops the first {@code n} tokens of every frame (CLS / register tokens). */
    public PatchTokens dropPrefix(int n) {
        if (n == 0) return this;
        int t = tokens - n;
        float[] out = new float[batch * t * dim];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(data, (b * tokens + n) * dim, out, b * t * dim, t * dim);
        }
        return new PatchTokens(batch, t, dim, out);
    }
}
