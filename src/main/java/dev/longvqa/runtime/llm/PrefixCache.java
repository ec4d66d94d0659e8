package dev.longvqa.runtime.llm;

import ai.djl.ndarray.NDManager;

/**
 * The keys/values of a prompt prefix computed once by {@link CausalLm#cachePrefix}, reused by
 * {@link CausalLm#generate(PrefixCache, java.util.List, GenerationConfig)}. Holds engine memory
 * (layers x 2 x kvHeads x length x headDim) until closed.
 */
final class PrefixCache implements AutoCloseable {
    private final CausalLm owner;
    private final NDManager manager;
    private final KvCache cache;
    private volatile boolean closed;

    PrefixCache(CausalLm owner, NDManager manager, KvCache cache) {
        this.owner = owner;
        this.manager = manager;
        this.cache = cache;
    }

    /** Prompt positions held. */
    public int length() {
        return cache.length();
    }

    CausalLm owner() {
        return owner;
    }

    KvCache cache() {
        return cache;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        manager.close();
    }
}
