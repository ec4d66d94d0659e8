package dev.longvqa.contract.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code GET /jobs}: one page of the caller's jobs, newest first; {@code next} is absent on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobList(List<JobSummary> jobs, String next) {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobSummary(String jobId, String fileName, String status, String stage, String createdAt,
                             String updatedAt, String errorType) {}
}
