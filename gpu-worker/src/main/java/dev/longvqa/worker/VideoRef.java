package dev.longvqa.worker;

/**
 * The uploaded object a task is about, as the {@code register} step put it in the task message.
 * Its {@link #identity()} is what makes a cached segment summary reusable: the same bytes.
 */
public record VideoRef(String bucket, String key, String versionId, String etag, long sizeBytes) {
    /** bucket/key plus the version id, else the ETag (quotes dropped), as the job id does. */
    public String identity() {
        String v = versionId != null && !versionId.isBlank() && !versionId.equals("null")
                ? "v:" + versionId
                : "e:" + (etag == null ? "" : etag.replace("\"", ""));
        return bucket + "\n" + key + "\n" + v;
    }
}
