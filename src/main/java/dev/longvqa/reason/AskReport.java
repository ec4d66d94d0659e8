package dev.longvqa.reason;

import dev.longvqa.contract.SegmentSummary;
import java.util.List;

/**
 * What {@code longvqa ask --json} prints and the answer files hold. Plain records, so Jackson
 * writes them without annotations.
 *
 * @param answer the first question's answer (the common one-question case)
 */
public record AskReport(String answer, String model, String videoHash, double durationSec, List<AnswerOutput> answers,
                        List<SegmentSummary> segments, List<PassRecord> passes, TokenUsage tokens, Elapsed timings) {
    public record TokenUsage(int prompt, int completion, int requests) {}

    public record Elapsed(long segmentsMs, long answersMs, long totalMs) {}

    public static AskReport of(LvcotResult r) {
        return new AskReport(
                r.answers().isEmpty() ? "" : r.answers().getFirst().answer(),
                r.model(), r.videoHash(), r.durationSec(), r.answers(),
                r.segments().stream().map(s -> new SegmentSummary(s.index(), s.startSec(), s.endSec(), s.summary())).toList(),
                r.passes(),
                new TokenUsage(r.promptTokens(), r.completionTokens(), r.requests()),
                new Elapsed(r.segmentMillis(), r.answerMillis(), r.segmentMillis() + r.answerMillis()));
    }
}
