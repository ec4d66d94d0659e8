package dev.longvqa.reason;

/**
 * One generative model behind any transport. Implementations are thread-safe; they retry
 * transient faults themselves and throw {@link dev.longvqa.error.LongVqaException} with
 * MODEL_UNAVAILABLE (nothing to talk to), THROTTLED/TRANSIENT (gave up retrying) or INTERNAL.
 */
public interface LanguageModel extends AutoCloseable {
    /** Human-readable: backend, where, which model. Goes into reports. */
    String id();

    /**
     * The part of the identity that decides the output for a given input: the model name and
     * how inputs are rendered, never a URL (the same model behind another server gives the
     * same summaries). Part of the segment cache key.
     */
    String cacheId();

    Capabilities capabilities();

    Completion complete(Prompt prompt, DecodingSettings generation);

    /**
     * The width of the {@link Part.Embeddings} blocks this model takes (its hidden size), when
     * known, so a TDC context of another width is refused before any video is decoded.
     */
    default java.util.OptionalInt embeddingWidth() {
        return java.util.OptionalInt.empty();
    }

    /**
     * Positions the prompt's text takes once templated: every token but those of embedding
     * blocks and images, each text stretch between them tokenised on its own (as the reference's
     * {@code tokenizer_image_token} does), when this model can count them. TDC plans its frame cap
     * and trim with this, as the reference does with {@code len(input_ids)}.
     */
    default java.util.OptionalInt textTokens(Prompt prompt) {
        return java.util.OptionalInt.empty();
    }

    @Override
    default void close() {}
}
