package dev.longvqa.contract.api;

/** {@code POST /videos/{jobId}/complete} (200): the object exists; its job starts. */
public record UploadCompleted(String jobId, String key) {}
