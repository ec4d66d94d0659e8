package dev.longvqa.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longvqa.runtime.WeightSource;

/**
 * Made-up weights of any shape: N(0, 0.02) matrices and unit norms. For benchmarks of real
 * model shapes without their multi-GB files; the outputs mean nothing.
 */
public final class RandomWeights implements WeightSource {
    private final float std;

    public RandomWeights(float std) {
        this.std = std;
    }

    @Override
    public boolean contains(String name) {
        return true;
    }

    @Override
    public NDArray load(String name, Shape expected, NDManager manager, DataType dtype) {
        if (name.endsWith("norm.weight")) return manager.ones(expected, dtype);
        NDArray a = manager.randomNormal(0, std, expected, DataType.FLOAT32);
        if (dtype == DataType.FLOAT32) return a;
        NDArray t = a.toType(dtype, false);
        a.close();
        return t;
    }
}
