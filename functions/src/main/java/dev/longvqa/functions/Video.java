package dev.longvqa.functions;

/** The uploaded object a job is about, as every task payload carries it. */
public record Video(String bucket, String key, String versionId, String etag, Long sizeBytes) {
}
