package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A snapshot of an execution. {@code output} is set when SUCCEEDED; {@code error}/{@code cause}
 * when FAILED, TIMED_OUT or ABORTED (cause may be null); {@code stopDate} once terminal.
 */
public record ExecutionResult(String executionArn, String name, ExecutionStatus status, JsonNode input,
                              JsonNode output, String error, String cause, Instant startDate, Instant stopDate) {
}
