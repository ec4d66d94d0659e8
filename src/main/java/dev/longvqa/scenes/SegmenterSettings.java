package dev.longvqa.scenes;

/**
 * The cut rule's knobs. A gap is a cut when its distance (1 - cosine) is both large in absolute
 * terms and an outlier against the gaps around it; scenes keep the strongest {@code maxScenes - 1}.
 *
 * @param maxScenes     S: at most this many scenes (the reference uses 24)
 * @param window        gaps on each side that form the local baseline
 * @param minDistance   smallest 1 - cosine that can be a cut
 * @param minExcess     smallest rise above the local median distance
 * @param madFactor     the rise must also exceed this many local median absolute deviations
 * @param minSceneSec   cuts closer than this keep only the stronger one
 * @param changeGate    the decoder's frame-to-frame change in the gap must be this many times its
 *                      local median — on the calmer side of the gap, and at least the busier side's
 *                      median (a real cut is one abrupt frame change; motion and fades are many
 *                      small ones) ...
 * @param strongExcess  ... unless the similarity drop alone exceeds this
 */
public record SegmenterSettings(int maxScenes, int window, float minDistance, float minExcess, float madFactor,
                                double minSceneSec, float changeGate, float strongExcess) {
    /**
     * Tuned on generated videos ({@code CutAccuracyTest}, and the 14 lavfi videos of bench/ through
     * {@code CutEvalDump}); S = 24 as in the TDC reference.
     */
    public static final SegmenterSettings DEFAULT = new SegmenterSettings(24, 4, 0.05f, 0.15f, 3f, 0.9, 2f, 0.5f);

    public SegmenterSettings {
        if (maxScenes < 1) throw new IllegalArgumentException("maxScenes must be at least 1");
        if (window < 1) throw new IllegalArgumentException("window must be at least 1");
    }

    public SegmenterSettings withMaxScenes(int s) {
        return new SegmenterSettings(s, window, minDistance, minExcess, madFactor, minSceneSec, changeGate, strongExcess);
    }
}
