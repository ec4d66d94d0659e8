package dev.longvqa.reason;

import java.util.List;

/**
 * How many LVCoT segments a video gets, by its sampled-frame count: the first threshold reached
 * wins, else one pass. The reference ({@code eval/cot.py}, {@code eval/eval_videomme.py}) uses 3 parts
 * from 900 frames, 2 from 600. The one rule of the CLI, the segment Lambda and the TDC planner.
 */
public record LvcotRule(List<Threshold> thresholds) {
    public static final LvcotRule REFERENCE = new LvcotRule(List.of(new Threshold(900, 3), new Threshold(600, 2)));

    /** From {@code minFrames} sampled frames on, {@code segments} parts. */
    public record Threshold(int minFrames, int segments) {
        public Threshold {
            if (minFrames < 1 || segments < 1) throw new IllegalArgumentException("need minFrames >= 1 and segments >= 1");
        }
    }

    public LvcotRule {
        thresholds = List.copyOf(thresholds);
    }

    public int segments(int sampledFrames) {
        for (Threshold t : thresholds) {
            if (sampledFrames >= t.minFrames()) return t.segments();
        }
        return 1;
    }
}
