package dev.longvqa.reason;

import java.util.Comparator;
import java.util.List;

/**
 * How many LVCoT segments a video gets, from the number of sampled frames. The reference
 * (VideoMME, {@code eval/eval_videomme.py}) uses 3 at ≥ 900 frames, 2 at ≥ 600 and no chain of
 * thought below that; a count of 1 means exactly that here: no segment passes, the final pass
 * sees the whole video directly.
 *
 * @param steps    (minFrames → segments), any order
 * @param fallback the count below every step
 */
public record SegmentRule(List<Step> steps, int fallback) {
    public record Step(int minFrames, int segments) {
        public Step {
            if (minFrames < 0 || segments < 1) throw new IllegalArgumentException("bad step " + minFrames + " -> " + segments);
        }
    }

    public static final SegmentRule REFERENCE = new SegmentRule(List.of(new Step(900, 3), new Step(600, 2)), 1);

    public SegmentRule {
        steps = steps.stream().sorted(Comparator.comparingInt(Step::minFrames).reversed()).toList();
        if (fallback < 1) throw new IllegalArgumentException("fallback must be >= 1");
    }

    /** A fixed count regardless of length (e.g. for tests or short clips you still want split). */
    public static SegmentRule fixed(int segments) {
        return new SegmentRule(List.of(), segments);
    }

    /** Parses {@code "900:3,600:2"} or {@code "900:3,600:2,else:1"} or a bare number. */
    public static SegmentRule parse(String spec) {
        String s = spec.strip();
        if (s.matches("\\d+")) return fixed(Integer.parseInt(s));
        int fallback = 1;
        List<Step> steps = new java.util.ArrayList<>();
        for (String item : s.split(",")) {
            String[] kv = item.strip().split(":");
            if (kv.length != 2) throw new IllegalArgumentException("bad LVCoT rule item '" + item + "' (want MINFRAMES:SEGMENTS)");
            if (kv[0].strip().equals("else")) fallback = Integer.parseInt(kv[1].strip());
            else steps.add(new Step(Integer.parseInt(kv[0].strip()), Integer.parseInt(kv[1].strip())));
        }
        return new SegmentRule(steps, fallback);
    }

    public int segmentsFor(int sampledFrames) {
        for (Step step : steps) {
            if (sampledFrames >= step.minFrames) return step.segments;
        }
        return fallback;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Step st : steps) b.append(st.minFrames).append(':').append(st.segments).append(',');
        return b.append("else:").append(fallback).toString();
    }
}
