package dev.longvqa.contract;

/**
 * The bucket's layout (docs/ARCHITECTURE.md, "S3 layout"): uploads under {@link #VIDEOS_PREFIX},
 * their questions under {@link #QUESTIONS_PREFIX}, a job's artifacts under {@code jobs/{jobId}/}, the segment cache under {@link #CACHE_PREFIX}.
 * Writers and readers build keys here and nowhere else; the stack's grants and its upload rule use
 * the same prefixes.
 *
 * <p>Artifact keys are built from the job id and indices only, never from the uploaded key, so
 * whatever an upload is called, writes stay under {@code jobs/}. Callers validate the job id
 * (the core's {@code JobId}) before building keys from untrusted input.
 */
public final class S3Layout {
    public static final String VIDEOS_PREFIX = "videos/";
    public static final String JOBS_PREFIX = "jobs/";
    public static final String CACHE_PREFIX = "cache/";
    /**
     * Questions sidecars live outside {@link #VIDEOS_PREFIX} on purpose: the stack's upload rule
     * matches that prefix, and an EventBridge pattern cannot AND a prefix with a not-suffix on one
     * field, so a sidecar inside it would start an execution of its own.
     */
    public static final String QUESTIONS_PREFIX = "questions/";
    public static final String QUESTIONS_SUFFIX = ".json";

    private S3Layout() {}

    public static String jobPrefix(String jobId) {
        if (jobId == null || jobId.isEmpty() || jobId.contains("/")) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        return JOBS_PREFIX + jobId + "/";
    }

    public static String framesPrefix(String jobId) {
        return jobPrefix(jobId) + "frames/";
    }

    /** A sampled frame: {@code jobs/{jobId}/frames/{rangeIndex}/{frameIndex}.jpg}. */
    public static String frame(String jobId, int rangeIndex, int frameIndex) {
        return framesPrefix(jobId) + rangeIndex + "/" + frameIndex + ".jpg";
    }

    public static String embeddingsPrefix(String jobId) {
        return jobPrefix(jobId) + "embeddings/";
    }

    /** A range's segmentation embeddings: {@code jobs/{jobId}/embeddings/{rangeIndex}.json}. */
    public static String embeddings(String jobId, int rangeIndex) {
        return embeddingsPrefix(jobId) + rangeIndex + ".json";
    }

    public static String scenes(String jobId) {
        return jobPrefix(jobId) + "scenes.json";
    }

    public static String segment(String jobId, int index) {
        return jobPrefix(jobId) + "segments/" + index + ".json";
    }

    public static String answer(String jobId, String questionId) {
        return jobPrefix(jobId) + "answers/" + questionId + ".json";
    }

    /** The job's HTML report, rendered by the API on first request. */
    public static String report(String jobId) {
        return jobPrefix(jobId) + "report.html";
    }

    /** Answers too large for the job row. */
    public static String result(String jobId) {
        return jobPrefix(jobId) + "result.json";
    }

    /**
     * The job's timed transcript ({@code dev.longvqa.audio.Transcript} as JSON), whichever engine
     * made it: the worker's local recogniser or Amazon Transcribe's output converted by the worker.
     */
    public static String transcript(String jobId) {
        return jobPrefix(jobId) + TRANSCRIPT_NAME + ".json";
    }

    /**
     * Where the workflow's Amazon Transcribe state has the service write its own output JSON
     * ({@code OutputKey}); the worker converts it into {@link #transcript}. The ASL builds the
     * same key ({@code States.Format('jobs/{}/transcript-aws.json', $.jobId)}).
     */
    public static String transcribeOutput(String jobId) {
        return jobPrefix(jobId) + TRANSCRIPT_NAME + "-aws.json";
    }

    /**
     * Objects the transcript writers (the worker, Amazon Transcribe on the workflow's behalf) may
     * create: {@code jobs/*&#47;transcript*}, the pattern of the stack's grants.
     */
    public static final String TRANSCRIPT_NAME = "transcript";

    public static String transcriptGrantPattern() {
        return JOBS_PREFIX + "*/" + TRANSCRIPT_NAME + "*";
    }

    /** A video's transcript per recogniser, shared by every job on the same object (content + engine hash). */
    public static String cachedTranscript(String cacheKey) {
        return CACHE_PREFIX + "transcripts/" + cacheKey + ".json";
    }

    public static String cachedSegment(String cacheKey) {
        return CACHE_PREFIX + "segments/" + cacheKey + ".json";
    }

    /**
     * The questions sidecar of a video upload: {@code videos/talk.mp4} -> {@code questions/talk.mp4.json}
     * (the key under {@link #VIDEOS_PREFIX}, moved under {@link #QUESTIONS_PREFIX}).
     */
    public static String sidecar(String videoKey) {
        if (!isVideoUpload(videoKey)) {
            throw new IllegalArgumentException("questions belong to a video upload under " + VIDEOS_PREFIX + ", not " + videoKey);
        }
        return QUESTIONS_PREFIX + videoKey.substring(VIDEOS_PREFIX.length()) + QUESTIONS_SUFFIX;
    }

    /**
     * Whether an upload under this key starts a job: under {@link #VIDEOS_PREFIX} and not a folder
     * marker. The stack's upload rule matches the same prefix; sidecars are outside it.
     */
    public static boolean isVideoUpload(String key) {
        return key != null && key.startsWith(VIDEOS_PREFIX) && key.length() > VIDEOS_PREFIX.length()
                && !key.endsWith("/");
    }
}
