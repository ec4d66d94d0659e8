package dev.longvqa.contract;

/** Output of {@code record}: the row's status after the call (a terminal state is never replaced). */
public record RecordResult(String jobId, String status) {
}
