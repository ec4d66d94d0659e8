package dev.longvqa.reason.backend;

import dev.longvqa.reason.EmbeddingBlock;

/**
 * Text → the language model's input embeddings (tokenizer + embedding table lookup), for
 * backends that take a prompt as embeddings only. Chat-template special tokens in the text
 * ({@code <|im_start|>} …) must map to their special ids, as HF tokenizers do.
 * The TDC context builder owns the real one (it already holds the LLM's embedding table).
 */
public interface TokenEmbedder {
    /** Names tokenizer + table (part of cache keys). */
    String id();

    int hidden();

    EmbeddingBlock embed(String text);

    /** Tokens {@code text} becomes (what {@link #embed} would return rows for). */
    default int count(String text) {
        return embed(text).tokens();
    }
}
