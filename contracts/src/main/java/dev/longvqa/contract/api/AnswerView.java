package dev.longvqa.contract.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code GET /jobs/{jobId}/answers/{questionId}}, and each entry of {@link JobView#questions()}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnswerView(String questionId, String question, State state, String answer, String model,
                         JobView.JobError error) {
    public enum State { PENDING, ANSWERED, FAILED }
}
