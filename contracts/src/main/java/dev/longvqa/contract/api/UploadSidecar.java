package dev.longvqa.contract.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The questions sidecar of an upload ({@code S3Layout.sidecar(key)}), as the API writes it before
 * the upload: the questions, and the job id and owner the API promised the caller. Register prefers
 * {@code jobId} to the object-derived id (the version id is only known after the upload, the
 * caller needs the id before it) and stores {@code owner} on the row. A sidecar written by hand
 * ({@code {"questions": [...]}}) has neither, and the job id is derived from the object as before.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record UploadSidecar(List<String> questions, String jobId, String owner) {}
