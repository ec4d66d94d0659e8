package dev.longvqa.contract;

/**
 * One question of a job, as {@code register} reads it from the questions sidecar and the answer
 * task receives it; {@code id} names its answer object ({@link S3Layout#answer}).
 */
public record JobQuestion(String id, String text) {
}
