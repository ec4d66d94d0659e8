package dev.longvqa.runtime.llm;

import java.util.Arrays;

/**
 * One piece of a prompt. Text is tokenized, token ids are used as they are, and an embedding
 * block enters the decoder as input embeddings without passing through the vocabulary: that is
 * how the TDC context (compressed video tokens projected into the LLM's space) is spliced in.
 */
public sealed interface PromptPart {

    /** Text, tokenized without adding special tokens (templates place those themselves). */
    record Untokenized(String text) implements PromptPart {
        public Untokenized {
            if (text == null) throw new IllegalArgumentException("text is null");
        }
    }

    record TokenIds(long[] ids) implements PromptPart {
        public TokenIds {
            ids = ids.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TokenIds t && Arrays.equals(ids, t.ids);
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
    record InputEmbeddings(float[] data, int rows, int dim) implements PromptPart {
        public InputEmbeddings {
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
        return new Untokenized(text);
    }

    static PromptPart tokens(long... ids) {
        return new TokenIds(ids);
    }

    /** A {@code float[n][hidden]} block, copied into one row-major array. */
    static PromptPart embeddings(float[][] vectors) {
        int dim = vectors.length == 0 ? 1 : vectors[0].length;
        float[] flat = new float[vectors.length * dim];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dim) throw new IllegalArgumentException("row " + i + " has " + vectors[i].length + " values, not " + dim);
            System.arraycopy(vectors[i], 0, flat, i * dim, dim);
        }
        return new InputEmbeddings(flat, vectors.length, dim);
    }

    static PromptPart embeddings(float[] rowMajor, int dim) {
        return new InputEmbeddings(rowMajor, rowMajor.length / dim, dim);
    }
}
