package dev.longvqa.functions;

import dev.longvqa.pipeline.JobId;

/**
 * The S3 layout (docs/ARCHITECTURE.md). Artifact keys are built from the job id and indices only,
 * never from the uploaded key: whatever the upload is called, our writes stay under {@code jobs/}.
 */
public final class Keys {
    public static final String UPLOAD_PREFIX = "videos/";
    public static final String SIDECAR_SUFFIX = ".questions.json";

    private Keys() {}

    public static String frame(String jobId, int rangeIndex, int frameIndex) {
        return job(jobId) + "frames/" + rangeIndex + "/" + frameIndex + ".jpg";
    }

    public static String embeddings(String jobId, int rangeIndex) {
        return job(jobId) + "embeddings/" + rangeIndex + ".json";
    }

    public static String scenes(String jobId) {
        return job(jobId) + "scenes.json";
    }

    public static String result(String jobId) {
        return job(jobId) + "result.json";
    }

    public static String sidecar(String videoKey) {
        return videoKey + SIDECAR_SUFFIX;
    }

    /** Whether an upload under this key starts a job: under {@code videos/}, not a sidecar, not a folder marker. */
    public static boolean isVideoUpload(String key) {
        return key != null && key.startsWith(UPLOAD_PREFIX) && key.length() > UPLOAD_PREFIX.length()
                && !key.endsWith("/") && !key.endsWith(SIDECAR_SUFFIX);
    }

    private static String job(String jobId) {
        return "jobs/" + new JobId(jobId).value() + "/"; // validates: 32 hex characters, nothing else
    }
}
