package dev.longvqa.reason;

/** The final pass for one question. {@code answer} is the model's text, stripped, nothing else. */
public record AnswerOutput(String questionId, String question, String answer, String finishReason, int promptTokens,
                           int completionTokens, long millis) {}
