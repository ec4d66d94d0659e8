package dev.longvqa.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Input of {@code record}: {@code outcome} SUCCEEDED with answers and costs, or FAILED with the
 * Catch block's error object ({@code {"Error": ..., "Cause": ...}}). From the stack's execution-status
 * rule (an execution FAILED, TIMED_OUT or ABORTED where no Catch ran) there is no {@code jobId}, but
 * {@code executionInput}: the execution's input (the S3 event) as JSON text, from which the job id
 * is derived as RegisterJob derived it.
 */
public record RecordRequest(String jobId, String outcome, List<InlineAnswer> answers, Costs costs, AslError error,
                            String executionInput) {

    /**
     * Token and time costs. The state machine sends what the GPU tasks reported: {@code segments}
     * (one per LVCoT segment task, in order) and {@code answer}; {@code tokens} and {@code timings}
     * (milliseconds per stage) are totals a caller may give directly instead.
     */
    public record Costs(Tokens tokens, Map<String, Long> timings, List<TaskCost> segments, TaskCost answer) {}

    /** What a Catch puts at its ResultPath: ASL capitalises both names. */
    public record AslError(@JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {}
}
