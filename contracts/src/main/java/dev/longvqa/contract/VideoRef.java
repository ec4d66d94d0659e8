package dev.longvqa.contract;

/**
 * The uploaded object a job is about, as {@code register} returns it and every later payload and
 * GPU task message carries it ({@code video}).
 *
 * @param versionId the S3 version id; null (or the literal {@code "null"} S3 reports for objects
 *                  written before versioning) when the bucket is unversioned
 * @param etag      the ETag as S3 reports it (quotes included or not)
 * @param sizeBytes null when not known
 */
public record VideoRef(String bucket, String key, String versionId, String etag, Long sizeBytes) {

    /**
     * bucket/key plus the version id, else the ETag (quotes dropped), as the job id takes them: what
     * makes a cached segment summary reusable (the same bytes).
     */
    public String identity() {
        String v = versionId != null && !versionId.isBlank() && !versionId.equals("null")
                ? "v:" + versionId
                : "e:" + (etag == null ? "" : etag.replace("\"", ""));
        return bucket + "\n" + key + "\n" + v;
    }
}
