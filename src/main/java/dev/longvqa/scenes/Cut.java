package dev.longvqa.scenes;

/**
 * A shot boundary between sampled frames {@code gap} and {@code gap + 1}.
 *
 * @param timeSec    the first frame of the new shot (frame-accurate when the decoder saw the change)
 * @param similarity cosine similarity of the two sampled frames
 * @param strength   how far the similarity dropped below its neighbourhood (larger is surer)
 */
public record Cut(int gap, double timeSec, float similarity, float strength) {
}
