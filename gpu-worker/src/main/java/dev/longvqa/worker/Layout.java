package dev.longvqa.worker;

/** The S3 keys of docs/ARCHITECTURE.md ("S3 layout"), in one place. */
public final class Layout {
    private Layout() {}

    public static String jobPrefix(String jobId) {
        return "jobs/" + jobId + "/";
    }

    public static String scenes(String jobId) {
        return jobPrefix(jobId) + "scenes.json";
    }

    public static String framesPrefix(String jobId) {
        return jobPrefix(jobId) + "frames/";
    }

    public static String frame(String jobId, int rangeIndex, int frameIndex) {
        return framesPrefix(jobId) + rangeIndex + "/" + frameIndex + ".jpg";
    }

    public static String embeddingsPrefix(String jobId) {
        return jobPrefix(jobId) + "embeddings/";
    }

    public static String segment(String jobId, int index) {
        return jobPrefix(jobId) + "segments/" + index + ".json";
    }

    public static String answer(String jobId, String questionId) {
        return jobPrefix(jobId) + "answers/" + questionId + ".json";
    }

    public static String cachedSegment(String cacheKey) {
        return "cache/segments/" + cacheKey + ".json";
    }
}
