package dev.longvqa.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The id of one job: a hash of the object it is about. The same bucket, key and version (or ETag
 * when unversioned) always give the same id, which is what makes duplicate S3 events harmless.
 */
public record JobId(String value) {
    public JobId {
        Objects.requireNonNull(value, "value");
        if (!value.matches("[0-9a-f]{32}")) throw new IllegalArgumentException("not a job id: " + value);
    }

    public static JobId of(String bucket, String key, String versionId, String etag) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        String identity = versionId != null && !versionId.isBlank() && !versionId.equals("null")
                ? "v:" + versionId
                : "e:" + (etag == null ? "" : etag.replace("\"", ""));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((bucket + "\n" + key + "\n" + identity).getBytes(StandardCharsets.UTF_8));
            return new JobId(HexFormat.of().formatHex(h).substring(0, 32));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
