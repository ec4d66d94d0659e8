package dev.longvqa.contract.api;

import dev.longvqa.contract.JobQuestion;
import java.util.List;

/** {@code POST /jobs/{jobId}/questions} (202): the new questions' ids, answered by an answer-only execution. */
public record QuestionsAccepted(String jobId, List<JobQuestion> questions, String executionArn) {}
