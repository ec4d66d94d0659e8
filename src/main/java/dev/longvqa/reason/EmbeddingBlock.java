package dev.longvqa.reason;

import java.util.Objects;

/**
 * A block of input embeddings, {@code tokens × hidden}, row-major: the TDC context of a stretch
 * of video in the language model's embedding space, ready to be spliced between text tokens.
 */
public record EmbeddingBlock(int tokens, int hidden, float[] values) {
    public EmbeddingBlock {
        Objects.requireNonNull(values, "values");
        if (tokens < 0 || hidden <= 0 || (long) tokens * hidden != values.length) {
            throw new IllegalArgumentException("block " + tokens + "x" + hidden + " does not match " + values.length + " values");
        }
    }

    public static EmbeddingBlock of(float[][] rows) {
        int hidden = rows.length == 0 ? 1 : rows[0].length;
        float[] flat = new float[rows.length * hidden];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != hidden) throw new IllegalArgumentException("ragged rows");
            System.arraycopy(rows[i], 0, flat, i * hidden, hidden);
        }
        return new EmbeddingBlock(rows.length, hidden, flat);
    }

    /** Concatenates blocks along the token axis. */
    public static EmbeddingBlock concat(java.util.List<EmbeddingBlock> blocks) {
        if (blocks.isEmpty()) throw new IllegalArgumentException("nothing to concatenate");
        int hidden = blocks.getFirst().hidden;
        int tokens = 0;
        for (EmbeddingBlock b : blocks) {
            if (b.hidden != hidden) throw new IllegalArgumentException("hidden sizes differ: " + hidden + " vs " + b.hidden);
            tokens += b.tokens;
        }
        float[] out = new float[tokens * hidden];
        int at = 0;
        for (EmbeddingBlock b : blocks) {
            System.arraycopy(b.values, 0, out, at, b.values.length);
            at += b.values.length;
        }
        return new EmbeddingBlock(tokens, hidden, out);
    }

    @Override
    public String toString() {
        return "EmbeddingBlock[" + tokens + "x" + hidden + "]";
    }
}
