package dev.longvqa.local.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An S3 "Object Created" event as EventBridge delivers it to the state machine. S3Mock emits no
 * notifications, so the local cloud builds this after an upload and starts the execution itself.
 *
 * @param versionId null for an unversioned bucket (the field is then omitted, as on AWS)
 * @param reason    PutObject, CompleteMultipartUpload, CopyObject…
 */
public record S3ObjectCreated(String region, String account, String bucket, String key, long size, String etag,
                              String versionId, String reason, Instant time) {

    public S3ObjectCreated {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
    }

    /** A PutObject in us-east-1, account 000000000000, now. */
    public static S3ObjectCreated put(String bucket, String key, long size, String etag, String versionId) {
        return new S3ObjectCreated("us-east-1", "000000000000", bucket, key, size, etag, versionId, "PutObject", Instant.now());
    }

    public ObjectNode toEventBridgeJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode e = f.objectNode().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "Object Created").put("source", "aws.s3").put("account", account)
                .put("time", time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).put("region", region);
        e.putArray("resources").add("arn:aws:s3:::" + bucket);
        ObjectNode detail = e.putObject("detail").put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        // S3 reports the ETag without quotes in events
        ObjectNode object = detail.putObject("object").put("key", key).put("size", size).put("etag", etag.replace("\"", ""));
        if (versionId != null) object.put("version-id", versionId);
        object.put("sequencer", Long.toHexString(time.toEpochMilli()).toUpperCase());
        detail.put("request-id", UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase())
                .put("requester", account).put("source-ip-address", "127.0.0.1").put("reason", reason);
        return e;
    }
}
