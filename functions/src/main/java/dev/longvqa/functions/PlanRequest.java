package dev.longvqa.functions;

/** Input of {@code plan}. */
public record PlanRequest(String jobId, Video video) {
}
