package dev.longvqa.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One answer as the answer task reports it and {@code record} writes it into the job row; the whole
 * answer is in its answer file ({@code answerKey}, {@link S3Layout#answer}).
 *
 * @param question  what was asked, possibly cut short (the row's limit); whole in the answer file
 * @param answer    the answer, cut short when {@code truncated}
 * @param truncated true when {@code answer} is a prefix of the answer file's; absent otherwise
 */
public record InlineAnswer(String questionId, String question, String answerKey, String answer,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Boolean truncated) {
}
