package dev.longvqa.reason;

import java.util.List;

/**
 * Everything one {@link Lvcot#answer} call produced.
 *
 * @param requests model requests actually made (cache hits excluded)
 */
public record LvcotResult(String model, String videoHash, double durationSec, List<SegmentOutput> segments,
                          List<AnswerOutput> answers, List<PassRecord> passes, int requests, long segmentMillis,
                          long answerMillis) {
    public LvcotResult {
        segments = List.copyOf(segments);
        answers = List.copyOf(answers);
        passes = List.copyOf(passes);
    }

    public int promptTokens() {
        return passes.stream().filter(p -> !p.cached()).mapToInt(p -> Math.max(0, p.promptTokens())).sum();
    }

    public int completionTokens() {
        return passes.stream().filter(p -> !p.cached()).mapToInt(p -> Math.max(0, p.completionTokens())).sum();
    }
}
