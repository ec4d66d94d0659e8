package dev.longvqa.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding tables, computed once for a range of positions and sliced per step. Angles are {@code position * invFreq} in float32, as the
 * reference computes them, and the table is {@code cat(freqs, freqs)} over the head dimension
 * to pair with {@code rotate_half}.
 */
final class RotaryEmbedding {
    private final float[] invFreq;
    private final int headDim;
    private NDArray cos;
    private NDArray sin;
    private int positions;

    RotaryEmbedding(LlmConfig config) {
        this.headDim = config.headDim();
        this.invFreq = config.ropeScaling().inverseFrequencies(headDim, config.ropeTheta());
    }

    /**
     * {@code [cos, sin]}, each {@code [count, headDim]}, for positions {@code start..start+count-1}:
     * slices of tables kept on the device and grown by doubling, so a decode step computes nothing.
     */
    synchronized NDList slice(NDManager manager, int start, int count, DataType dtype) {
        int needed = start + count;
        if (needed > positions) {
            int grown = Math.max(needed, Math.max(256, positions * 2));
            NDList t = table(manager, 0, grown, dtype);
            // The tables outlive the step (its NDScope) that first needed them.
            NDScope.unregister(t);
            if (cos != null) {
                cos.close();
                sin.close();
            }
            cos = t.get(0);
            sin = t.get(1);
            positions = grown;
        }
        NDIndex rows = new NDIndex().addSliceDim(start, needed);
        return new NDList(cos.get(rows), sin.get(rows));
    }

    /** {@code [cos, sin]}, each {@code [count, headDim]}, for positions {@code start..start+count-1}. */
    NDList table(NDManager manager, int start, int count, DataType dtype) {
        int half = headDim / 2;
        float[] cos = new float[count * headDim];
        float[] sin = new float[count * headDim];
        for (int t = 0; t < count; t++) {
            float pos = start + t;
            for (int i = 0; i < half; i++) {
                float angle = pos * invFreq[i];
                float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                cos[t * headDim + i] = c;
                cos[t * headDim + half + i] = c;
                sin[t * headDim + i] = s;
                sin[t * headDim + half + i] = s;
            }
        }
        Shape shape = new Shape(count, headDim);
        NDArray c = manager.create(cos, shape);
        NDArray s = manager.create(sin, shape);
        if (dtype != DataType.FLOAT32) {
            c = c.toType(dtype, false);
            s = s.toType(dtype, false);
        }
        return new NDList(c, s);
    }
}
