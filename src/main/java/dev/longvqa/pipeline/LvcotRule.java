package dev.longvqa.pipeline;

/**
 * How many LVCoT segments a video gets, by its sampled-frame count. The reference
 * ({@code eval/cot.py}, VideoMME) uses 3 parts from 900 frames, 2 from 600, else 1.
 */
public record LvcotRule(int twoPartsFrom, int threePartsFrom) {
    public static final LvcotRule REFERENCE = new LvcotRule(600, 900);

    public LvcotRule {
        if (twoPartsFrom < 1 || threePartsFrom < twoPartsFrom) throw new IllegalArgumentException("need 1 <= two <= three");
    }

    public int segments(int sampledFrames) {
        if (sampledFrames >= threePartsFrom) return 3;
        if (sampledFrames >= twoPartsFrom) return 2;
        return 1;
    }
}
