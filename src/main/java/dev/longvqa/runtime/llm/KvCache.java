package dev.longvqa.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the positions seen so far, in buffers of shape
 * {@code [kvHeads, capacity, headDim]} allocated once per generation. New positions are written
 * in place, so a decode step costs no copy of the past (concatenating would copy the whole
 * cache every token). It grows by doubling when a caller underestimated the length.
 */
final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int kvHeads;
    private final int headDim;
    private final DataType dtype;
    private final LlmConfig config;
    private int capacity;
    private int length;

    public KvCache(NDManager parent, LlmConfig config, int capacity, DataType dtype) {
        this.manager = parent.newSubManager();
        this.config = config;
        this.kvHeads = config.numKvHeads();
        this.headDim = config.headDim();
        this.dtype = dtype;
        this.keys = new NDArray[config.numLayers()];
        this.values = new NDArray[config.numLayers()];
        this.capacity = Math.max(1, capacity);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = manager.zeros(new Shape(kvHeads, this.capacity, headDim), dtype);
            values[i] = manager.zeros(new Shape(kvHeads, this.capacity, headDim), dtype);
            // The cache outlives the NDScope of the step that may have created it.
            NDScope.unregister(keys[i], values[i]);
        }
    }

    /** Positions already cached: the next token's position. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** A new cache with this one's positions and room for {@code capacity} in all (prefix reuse). */
    KvCache copy(NDManager parent, int capacity) {
        KvCache c = new KvCache(parent, config, Math.max(capacity, length), dtype);
        if (length > 0) {
            for (int i = 0; i < keys.length; i++) {
                c.keys[i].set(upTo(length), keys(i, length));
                c.values[i].set(upTo(length), values(i, length));
            }
        }
        c.length = length;
        return c;
    }

    /** Makes room for {@code extra} more positions, copying the past into larger buffers if needed. */
    public void reserve(int extra) {
        int needed = length + extra;
        if (needed <= capacity) return;
        int grown = Math.max(needed, capacity * 2);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = grow(keys[i], grown);
            values[i] = grow(values[i], grown);
        }
        capacity = grown;
    }

    private NDArray grow(NDArray old, int grown) {
        NDArray fresh = manager.zeros(new Shape(kvHeads, grown, headDim), dtype);
        NDScope.unregister(fresh);
        if (length > 0) fresh.set(upTo(length), old.get(upTo(length)));
        old.close();
        return fresh;
    }

    /** Writes layer {@code layer}'s new keys/values ({@code [kvHeads, t, headDim]}) at the current length. */
    void write(int layer, NDArray k, NDArray v) {
        int t = (int) k.getShape().get(1);
        // Built, not parsed: a string NDIndex costs a regex parse per call, per layer, per token.
        NDIndex at = new NDIndex().addAllDim().addSliceDim(length, length + t);
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    /** Views of layer {@code layer}'s keys and values up to {@code end} (exclusive). */
    NDArray keys(int layer, int end) {
        return keys[layer].get(upTo(end));
    }

    NDArray values(int layer, int end) {
        return values[layer].get(upTo(end));
    }

    private static NDIndex upTo(int end) {
        return new NDIndex().addAllDim().addSliceDim(0, end);
    }

    /** Called once all layers have written a step of {@code t} positions. */
    void advance(int t) {
        length += t;
    }

    @Override
    public void close() {
        manager.close();
    }
}
