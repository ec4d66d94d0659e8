package dev.longvqa.tdc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The scene split a TDC checkpoint was trained with: {@code adapt_segment} in the reference's
 * {@code cambrian_arch.py}. It runs on the frames left after the frame cap
 * ({@link TdcPlanner#selectFrames}), on the DINOv2 tower's patch grid (CLS dropped, bilinearly
 * resized to 24x24, flattened): with at most {@code maxSegments + 1} frames every frame is its
 * own scene; otherwise a scene starts after each of the {@code maxSegments} lowest cosine
 * similarities between consecutive frames. Pure arithmetic over the similarities; the
 * similarities come from {@link ProjectedFrames#consecutiveSimilarity}.
 */
public final class ReferenceSceneSplit {
    /** {@code max_num_segments} of the released configs. */
    public static final int MAX_SEGMENTS = 24;

    private ReferenceSceneSplit() {}

    /** Whether {@code frames} capped frames are split by similarity at all (else one scene per frame). */
    public static boolean needsSimilarities(int frames, int maxSegments) {
        return frames > maxSegments + 1;
    }

    /**
     * Positions (into the capped frames, ascending, each ≥ 1) where a scene starts, the first
     * scene starting at 0 implied. {@code similarities[i]} compares capped frames i and i+1.
     * Ties go to the earlier pair (torch's argsort does not promise an order for ties).
     */
    public static int[] sceneStarts(int frames, double[] similarities, int maxSegments) {
        if (!needsSimilarities(frames, maxSegments)) {
            return IntStream.range(1, frames).toArray();
        }
        if (similarities.length != frames - 1) {
            throw new IllegalArgumentException(similarities.length + " similarities for " + frames + " frames");
        }
        Integer[] order = IntStream.range(0, similarities.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> similarities[i]).thenComparingInt(i -> i));
        int[] starts = new int[Math.min(maxSegments, order.length)];
        for (int i = 0; i < starts.length; i++) starts[i] = order[i] + 1;
        Arrays.sort(starts);
        return starts;
    }

    /**
     * The split as {@code framesPerScene} over all {@code total} sampled frames, for
     * {@link TdcPlanner#plan}: each scene starts at a capped frame's index, so the planner's pick
     * (which depends only on {@code total}) puts every capped frame in its reference scene.
     *
     * @param selected the capped frames' indices into the sampled ones (ascending)
     * @param starts   {@link #sceneStarts}
     */
    public static List<Integer> framesPerScene(int total, int[] selected, int[] starts) {
        List<Integer> sizes = new ArrayList<>(starts.length + 1);
        int from = 0;
        for (int s : starts) {
            int at = selected[s];
            sizes.add(at - from);
            from = at;
        }
        sizes.add(total - from);
        return sizes;
    }
}
