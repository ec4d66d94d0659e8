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

    /**
     * The chat template of the checkpoint this embedder's tokenizer belongs to, when it has one
     * ({@link dev.longvqa.runtime.llm.JinjaChatTemplate}): {@code openai-embeds:} then frames
     * prompts with it instead of {@link BackendOptions#chatTemplate()}.
     */
    default java.util.Optional<dev.longvqa.runtime.llm.ChatFormat> chatFormat() {
        return java.util.Optional.empty();
    }

    /** Tokens {@code text} becomes (what {@link #embed} would return rows for). */
    default int count(String text) {
        return embed(text).tokens();
    }
}
