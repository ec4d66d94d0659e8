package dev.longvqa.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Named weight tensors for a network: a checkpoint on disk ({@link HfCheckpoint}) or weights
 * made up for benchmarks. The caller states the shape it expects, so a checkpoint that does not
 * fit the config fails at load with the tensor's name instead of deep inside a matmul.
 */
public interface WeightSource extends AutoCloseable {

    boolean contains(String name);

    /** The tensor as an array of {@code dtype} owned by {@code manager}. */
    NDArray load(String name, Shape expected, NDManager manager, DataType dtype);

    @Override
    default void close() throws Exception {
    }
}
