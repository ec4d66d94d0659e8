package dev.longvqa.reason;

/**
 * What a backend can take besides text, so {@link Lvcot} renders each segment the richest way
 * the model understands.
 *
 * @param images     accepts {@link Part.Image}
 * @param maxImages  images per request the backend accepts (0 when {@code images} is false)
 * @param embeddings accepts {@link Part.Embeddings} in the model's input space
 */
public record Capabilities(boolean images, int maxImages, boolean embeddings) {
    public static final Capabilities TEXT_ONLY = new Capabilities(false, 0, false);

    public static Capabilities images(int maxImages) {
        return new Capabilities(true, maxImages, false);
    }

    public static Capabilities embeddingsOnly() {
        return new Capabilities(false, 0, true);
    }
}
