package dev.longvqa.contract.api;

import dev.longvqa.contract.JobQuestion;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * {@code POST /videos} (201): the job id the upload will get, and where to PUT the bytes: one
 * {@code url}, or ({@code sizeBytes} at or above {@code multipartThresholdBytes}) one URL per
 * part of {@code partSizeBytes}, then {@code POST completePath} with {@link CompleteUploadRequest}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UploadResponse(String jobId, String key, String expiresAt, long multipartThresholdBytes, String url,
                             String uploadId, Long partSizeBytes, List<PartUrl> parts, String completePath,
                             List<JobQuestion> questions) {
    public record PartUrl(int partNumber, String url) {}
}
