package dev.longvqa.scenes;

import java.util.List;

/**
 * The result of segmentation.
 *
 * @param cuts       every shot cut found (not limited by the scene budget)
 * @param scenes     at most {@code maxScenes} scenes, split at the strongest cuts (TDC's S-1 lowest points)
 * @param similarity cosine similarity of each pair of consecutive sampled frames, with the time of
 *                   the gap it measures
 */
public record SceneSegmentation(List<Cut> cuts, List<Scene> scenes, List<CurvePoint> similarity) {
    /** One point of the similarity curve: the gap between sampled frames {@code gap} and {@code gap+1}. */
    public record CurvePoint(int gap, double timeSec, float similarity) {}
}
