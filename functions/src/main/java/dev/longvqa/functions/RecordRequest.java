package dev.longvqa.functions;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Input of {@code record}: {@code outcome} SUCCEEDED with answers and costs, or FAILED with the
 * Catch block's error object ({@code {"Error": ..., "Cause": ...}}).
 */
public record RecordRequest(String jobId, String outcome, List<Answer> answers, Costs costs, AslError error) {

    /** One answer as the GPU worker reports it; {@code answerKey} points at the full answer object. */
    public record Answer(String questionId, String question, String answer, String answerKey) {}

    /** Token and time costs; {@code timings} are milliseconds per stage. */
    public record Costs(Tokens tokens, Map<String, Long> timings) {}

    public record Tokens(long prompt, long completion) {}

    /** What a Catch puts at its ResultPath: ASL capitalises both names. */
    public record AslError(@JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {}
}
