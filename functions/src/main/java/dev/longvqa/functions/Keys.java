package dev.longvqa.functions;

import dev.longvqa.contract.S3Layout;
import dev.longvqa.pipeline.JobId;

/**
 * The functions' view of the S3 layout ({@link S3Layout}, shared with the worker and the stack):
 * every job id is validated (32 hex characters, nothing else) before a key is built from it.
 */
public final class Keys {
    public static final String UPLOAD_PREFIX = S3Layout.VIDEOS_PREFIX;

    private Keys() {}

    public static String frame(String jobId, int rangeIndex, int frameIndex) {
        return S3Layout.frame(valid(jobId), rangeIndex, frameIndex);
    }

    public static String embeddings(String jobId, int rangeIndex) {
        return S3Layout.embeddings(valid(jobId), rangeIndex);
    }

    public static String scenes(String jobId) {
        return S3Layout.scenes(valid(jobId));
    }

    public static String result(String jobId) {
        return S3Layout.result(valid(jobId));
    }

    public static String sidecar(String videoKey) {
        return S3Layout.sidecar(videoKey);
    }

    /** Whether an upload under this key starts a job ({@link S3Layout#isVideoUpload}). */
    public static boolean isVideoUpload(String key) {
        return S3Layout.isVideoUpload(key);
    }

    private static String valid(String jobId) {
        return new JobId(jobId).value();
    }
}
