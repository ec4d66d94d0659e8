package dev.longvqa.worker.audio;

import java.nio.file.Path;
import java.time.Duration;

import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Where FFmpeg reads a job's video from: a presigned GET in AWS (FFmpeg's ranged HTTP reads pull
 * only the audio packets' bytes it needs), a file under the blob root in tests and local runs.
 */
@FunctionalInterface
public interface VideoLocator {
    String locate(String bucket, String key);

    /** The blob root's layout ({@code FileBlobStore}): {@code root/bucket/key}. */
    static VideoLocator files(Path root) {
        Path r = root.toAbsolutePath().normalize();
        return (bucket, key) -> {
            Path p = r.resolve(bucket).resolve(key).normalize();
            if (!p.startsWith(r)) throw new IllegalArgumentException("key escapes the blob root: " + key);
            return p.toString();
        };
    }

    /** A presigned GET valid for {@code validity}: long enough for FFmpeg to read the whole sound track. */
    static VideoLocator presigned(S3Presigner presigner, Duration validity) {
        return (bucket, key) -> presigner.presignGetObject(b -> b.signatureDuration(validity)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }
}
