package dev.longvqa.error;

/**
 * Every failure the product reports, with how callers must treat it.
 *
 * <p>The {@link #aslName()} is what the state machine sees as the Task error: Retry blocks list
 * only {@link Kind#TRANSIENT} names, so bad input fails once and never starts a retry storm.
 */
public enum ErrorCode {
    NOT_FOUND(Kind.BAD_INPUT, "the input does not exist"),
    EMPTY(Kind.BAD_INPUT, "the input is empty"),
    NOT_A_VIDEO(Kind.BAD_INPUT, "the input is not a video"),
    NO_VIDEO_STREAM(Kind.BAD_INPUT, "the input has no video stream"),
    TRUNCATED(Kind.BAD_INPUT, "the input is truncated"),
    TOO_LONG(Kind.BAD_INPUT, "the video is longer than the configured limit"),
    TOO_LARGE(Kind.BAD_INPUT, "the input is larger than the configured limit"),
    BAD_QUESTION(Kind.BAD_INPUT, "the question is empty or too long"),
    BAD_REQUEST(Kind.BAD_INPUT, "the request is malformed"),
    /** The API's 409: a job asked about before it is processed (the answer names its status). */
    NOT_READY(Kind.BAD_INPUT, "the job is not processed yet"),
    MODEL_UNAVAILABLE(Kind.MODEL_UNAVAILABLE, "no language model is reachable or cached"),
    TRANSIENT(Kind.TRANSIENT, "a temporary fault; retrying may succeed"),
    THROTTLED(Kind.TRANSIENT, "a dependency throttled the request"),
    INTERNAL(Kind.INTERNAL, "an internal error");

    /** How a caller reacts: exit code for the CLI, retry or not in the workflow. */
    public enum Kind {
        BAD_INPUT(2), INTERNAL(1), MODEL_UNAVAILABLE(3), TRANSIENT(1);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;
    private final String summary;

    ErrorCode(Kind kind, String summary) {
        this.kind = kind;
        this.summary = summary;
    }

    public Kind kind() {
        return kind;
    }

    public String summary() {
        return summary;
    }

    public boolean retryable() {
        return kind == Kind.TRANSIENT;
    }

    /** The error name used in ASL Retry/Catch, e.g. {@code LongVqa.NOT_A_VIDEO}. */
    public String aslName() {
        return "LongVqa." + name();
    }

    /** Parses an ASL error name or a bare code; unknown names map to {@link #INTERNAL}. */
    public static ErrorCode fromName(String name) {
        if (name == null) return INTERNAL;
        String bare = name.startsWith("LongVqa.") ? name.substring("LongVqa.".length()) : name;
        for (ErrorCode code : values()) {
            if (code.name().equals(bare)) return code;
        }
        return INTERNAL;
    }
}
