package dev.longvqa.runtime.llm;

import java.util.Arrays;

/**
 * One piece of a prompt. Text is tokenized, token ids are used as they are, and an embedding
 * block enters the decoder as input embeddings without passing through the vocabulary: that is
 * how the TDC context (compressed video tokens projected into the LLM's space) is spliced in.
 */
public sealed interface PromptPart {

    /** Text, tokenized without adding special tokens (templates place those themselves). */
    record Text(String text) implements PromptPart {
        public Text {
            if (text == null) throw new IllegalArgumentException("text is null");
        }
    }

    record Tokens(long[] ids) implements PromptPart {
        public Tokens {
            ids = ids.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tokens t && Arrays.equals(ids, t.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Tokens" + Arrays.toString(ids);
        }
    }

    /** {@code rows} vectors of {@code dim} floats, row-major. Held by reference: these are large. */
    record Embeddings(float[] data, int rows, int dim) implements PromptPart {
        public Embeddings {
            if (rows < 0 || dim <= 0 || (long) rows * dim != data.length) {
                throw new IllegalArgumentException("embedding block of " + data.length + " floats is not " + rows + " x " + dim);
            }
        }

        @Override
        public String toString() {
            return "Embeddings[" + rows + " x " + dim + "]";
        }
    }

    static PromptPart text(String text) {
        return new Text(text);
    }

    static PromptPart tokens(long... ids) {
        return new Tokens(ids);
    }

    /** A {@code float[n][hidden]} block, copied into one row-major array. */
    static PromptPart embeddings(float[][] vectors) {
        int dim = vectors.length == 0 ? 1 : vectors[0].length;
        float[] flat = new float[vectors.length * dim];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dim) throw new IllegalArgumentException("row " + i + " has " + vectors[i].length + " values, not " + dim);
            System.arraycopy(vectors[i], 0, flat, i * dim, dim);
        }
        return new Embeddings(flat, vectors.length, dim);
    }

    static PromptPart embeddings(float[] rowMajor, int dim) {
        return new Embeddings(rowMajor, rowMajor.length / dim, dim);
    }
}
