package dev.longvqa.contract.api;

/** {@code GET /jobs/{jobId}/report}: a presigned GET of {@code jobs/{jobId}/report.html}. */
public record ReportLink(String url, String expiresAt) {}
