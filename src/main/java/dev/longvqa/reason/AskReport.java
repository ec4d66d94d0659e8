package dev.longvqa.reason;

import java.util.List;

/**
 * What {@code longvqa ask --json} prints and the answer files hold. Plain records, so Jackson
 * writes them without annotations.
 *
 * @param answer the first question's answer (the common one-question case)
 */
public record AskReport(String answer, String model, String videoHash, double durationSec, List<AnswerOutput> answers,
                        List<Segment> segments, List<PassRecord> passes, Tokens tokens, Timings timings) {
    public record Segment(int index, double startSec, double endSec, String summary) {}

    public record Tokens(int prompt, int completion, int requests) {}

    public record Timings(long segmentsMs, long answersMs, long totalMs) {}

    public static AskReport of(LvcotResult r) {
        return new AskReport(
                r.answers().isEmpty() ? "" : r.answers().getFirst().answer(),
                r.model(), r.videoHash(), r.durationSec(), r.answers(),
                r.segments().stream().map(s -> new Segment(s.index(), s.startSec(), s.endSec(), s.summary())).toList(),
                r.passes(),
                new Tokens(r.promptTokens(), r.completionTokens(), r.requests()),
                new Timings(r.segmentMillis(), r.answerMillis(), r.segmentMillis() + r.answerMillis()));
    }
}
