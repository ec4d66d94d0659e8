package dev.longvqa.contract.api;

import dev.longvqa.contract.JobQuestion;
import java.util.List;

/**
 * The input of an answer-only execution ({@code statemachine/answer.asl.json}), as the API starts it:
 * the stored artifacts of a processed job and the new questions. {@code video} is the job's video as
 * every task payload carries it ({@code bucket, key, versionId, etag, sizeBytes}); {@code pending}
 * repeats the questions in the record function's answer shape, for recording a failure against them.
 */
public record AnswerExecutionInput(String jobId, Object video, String scenesKey, List<String> segmentKeys,
                                   List<JobQuestion> questions, List<Pending> pending) {
    public record Pending(String questionId, String question) {}
}
