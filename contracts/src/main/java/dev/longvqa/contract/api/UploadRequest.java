package dev.longvqa.contract.api;

import java.util.List;

/** {@code POST /videos}: the file to upload, and optionally the questions to answer with the job. */
public record UploadRequest(String fileName, Long sizeBytes, String contentType, List<String> questions) {}
