package dev.longvqa.contract;

/** Output of {@code decode-range}: how many frames it sampled and where their embeddings are. */
public record DecodeResult(int index, int frames, String embeddingsKey) {
}
