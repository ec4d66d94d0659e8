package dev.longvqa.functions;

import dev.longvqa.contract.VideoRef;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The one derivation of a job's identity from an S3 "Object Created" event, used by {@code register}
 * (which creates the row under it) and by {@code record} on the execution-status rule's path (which
 * finds that row again from the execution's input): the key resolved against the bucket, however
 * EventBridge encoded it; then the id the API minted into the upload's sidecar, else the hash of the
 * version id, else the ETag, as the event or else HeadObject gives them.
 */
final class UploadIdentity {
    /**
     * The object the event is about, its job id, its HeadObject (metadata: the questions) and its
     * questions sidecar (empty for a key that is not a video upload, or without one).
     */
    record Identified(VideoRef video, String jobId, HeadObjectResponse head, Optional<byte[]> sidecar) {}

    private final ObjectStore store;

    UploadIdentity(ObjectStore store) {
        this.store = store;
    }

    /** Empty when no object under the key (as delivered or decoded) exists (any more). */
    Optional<Identified> of(String bucket, RegisterService.ObjectCreated e) {
        Resolved r = resolve(bucket, e.key());
        if (r == null) return Optional.empty();
        HeadObjectResponse head = r.head();
        String versionId = e.versionId() != null ? e.versionId() : head.versionId();
        String etag = e.etag() != null ? e.etag() : head.eTag();
        if (etag != null) etag = etag.replace("\"", "");
        Long size = e.size() != null ? e.size() : head.contentLength();
        VideoRef video = new VideoRef(bucket, r.key(), versionId, etag, size);
        // an API upload's minted id is in its sidecar (RegisterService#jobId); a key that cannot have one is not read
        Optional<byte[]> sidecar = Keys.isVideoUpload(r.key())
                ? store.getSmall(bucket, Keys.sidecar(r.key()), QuestionSource.MAX_SIDECAR_BYTES) : Optional.empty();
        String jobId = RegisterService.jobId(bucket, r.key(), versionId, etag, RegisterService.uploadSidecar(sidecar));
        return Optional.of(new Identified(video, jobId, head, sidecar));
    }

    private record Resolved(String key, HeadObjectResponse head) {}

    /**
     * The key as delivered first; if no such object exists and the key looks URL-encoded, its
     * percent-decoded form (EventBridge style, {@code +} kept) and its form-decoded form (S3
     * notification style, {@code +} is a space). Keys are only ever used as S3 keys, never as paths.
     */
    private Resolved resolve(String bucket, String key) {
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(key);
        if (key.indexOf('%') >= 0 || key.indexOf('+') >= 0) {
            try {
                candidates.add(URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8));
                candidates.add(URLDecoder.decode(key, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notEncoded) {
                // a literal '%' not followed by hex digits: the key is not encoded
            }
        }
        for (String k : candidates) {
            Optional<HeadObjectResponse> h = store.head(bucket, k);
            if (h.isPresent()) return new Resolved(k, h.get());
        }
        return null;
    }
}
