package dev.longvqa.contract;

import java.util.List;

/**
 * What the GPU worker reports through SendTaskSuccess for a {@link TaskMessage}, written with
 * {@link Json#mapper()}: the task state's output, from which its ResultSelector picks
 * {@link TaskCost}'s fields (and the answers). {@code AslContractTest} (infra) holds every selected
 * field against these components.
 *
 * <p>The costs are always present (zero on a cache hit): the record Lambda sums them into the job row.
 */
public sealed interface TaskResult permits TaskResult.SegmentSummarized, TaskResult.QuestionsAnswered {
    Tokens tokens();

    long visualTokens();

    long tdcMs();

    long elapsedMs();

    /** BEATs tokens in the task's TDC contexts, beside {@link #visualTokens()} (which counts them among the rows). */
    long audioTokens();

    /** Time decoding the video's sound and recognising speech, paid by this task. */
    long audioMs();

    /**
     * A segment task's result.
     *
     * @param segmentKey {@link S3Layout#segment}: the summary, which the answer task reads
     * @param cached     the summary came from the segment cache (no model time spent)
     */
    record SegmentSummarized(String segmentKey, boolean cached, Tokens tokens, long visualTokens, long tdcMs,
                             long elapsedMs, long audioTokens, long audioMs) implements TaskResult {}

    /** An answer task's result: one inline answer per question, in the order asked. */
    record QuestionsAnswered(List<InlineAnswer> answers, Tokens tokens, long visualTokens, long tdcMs, long elapsedMs,
                             long audioTokens, long audioMs) implements TaskResult {
        public QuestionsAnswered {
            answers = List.copyOf(answers);
        }
    }
}
