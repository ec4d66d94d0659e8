package dev.longvqa.contract.api;

/** {@code POST /videos/{jobId}/complete}: the multipart upload whose parts are all PUT. */
public record CompleteUploadRequest(String key, String uploadId) {}
