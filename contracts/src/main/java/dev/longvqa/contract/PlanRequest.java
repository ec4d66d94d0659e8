package dev.longvqa.contract;

/** Input of {@code plan}. */
public record PlanRequest(String jobId, VideoRef video) {
}
