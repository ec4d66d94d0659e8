package dev.longvqa.contract;

/**
 * Attribute names of the job row in the jobs table (docs/ARCHITECTURE.md, "Job row"). The functions
 * write the row, the worker adds notes to it, the stack declares the key and the TTL attribute,
 * the local cloud reads it back.
 */
public final class JobRow {
    /** Partition key (string). */
    public static final String JOB_ID = "jobId";
    /** A {@link JobStatus} name. */
    public static final String STATUS = "status";
    public static final String STAGE = "stage";
    /** The execution that registered the row: a retried registration by the same execution continues. */
    public static final String EXECUTION_ARN = "executionArn";
    public static final String ERROR = "error";
    /**
     * A string set of user-facing audio warnings (corrupt or missing sound, a recogniser or Amazon
     * Transcribe that failed or timed out): the audio part was skipped, the job went on. Added with
     * {@code ADD} by the worker and by the workflow's Transcribe branch, so repeats collapse.
     */
    public static final String AUDIO_WARNINGS = "audioWarnings";
    /** Epoch seconds; rows carrying it expire (the table's TTL attribute), rows without it are kept. */
    public static final String EXPIRES_AT = "expiresAt";
    public static final String CREATED_AT = "createdAt";
    /**
     * The caller that created the job through the API (an IAM principal ARN or {@code jwt:<sub>}),
     * from the upload sidecar; absent on jobs uploaded straight to the bucket.
     */
    public static final String OWNER = "owner";
    /** Global secondary index: partition {@link #OWNER}, sort {@link #CREATED_AT} (ISO-8601 text): a caller's jobs, newest first. */
    public static final String OWNER_INDEX = "owner-createdAt";
    /** Per follow-up question that failed: {@code answerErrors.<questionId> = {type, message}}. */
    public static final String ANSWER_ERRORS = "answerErrors";
    /**
     * A string set of the follow-up question ids whose answers and costs {@code record} has added
     * to the row ({@code ANSWERED}): the costs go on with {@code ADD}, so a second delivery of the
     * same record must find its ids here and add nothing.
     */
    public static final String RECORDED_ANSWERS = "recordedAnswers";
    /** LLM token totals: a map {@code {prompt, completion, visual, audio}}. */
    public static final String TOKENS = "tokens";
    /** Milliseconds per stage: a map {@code {decode, plan, reason, answer, tdc, audio, ...}}. */
    public static final String TIMINGS = "timings";

    private JobRow() {}
}
