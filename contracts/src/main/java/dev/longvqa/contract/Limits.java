package dev.longvqa.contract;

/**
 * The limits and defaults every deployable unit shares: the CLI, the stage Lambdas and the GPU
 * worker read them from here (the functions' and the worker's {@code @WithDefault}, the CLI's
 * {@code defaultValue}, the core's {@code VideoLimits.DEFAULT}, {@code Question}, {@code RetryPolicy}),
 * so one value cannot disagree with another. docs/CONFIGURATION.md's table is checked against this
 * class ({@code LimitsDocTest}).
 *
 * <p>Each value comes twice: as a number for code, and as a {@code *_TEXT} constant expression for
 * annotations, which take compile-time strings only. Both are derived from the one literal.
 */
public final class Limits {
    /** Questions per video (sidecar or metadata). */
    public static final int MAX_QUESTIONS = 20;
    public static final String MAX_QUESTIONS_TEXT = "" + MAX_QUESTIONS;

    /**
     * Characters per question. 20 questions of 2,000 characters stay well inside Step Functions'
     * 256 KiB state limit even in 4-byte UTF-8 (160 KB); 4,000 would not (320 KB).
     */
    public static final int MAX_QUESTION_CHARS = 2000;
    public static final String MAX_QUESTION_CHARS_TEXT = "" + MAX_QUESTION_CHARS;

    /** Largest upload accepted: 20 GiB. */
    public static final long MAX_VIDEO_BYTES = 20L << 30;
    public static final String MAX_VIDEO_BYTES_TEXT = "" + MAX_VIDEO_BYTES;

    /** Longest video accepted: 4 h. */
    public static final int MAX_VIDEO_SECONDS = 4 * 3600;
    public static final String MAX_VIDEO_SECONDS_TEXT = "" + MAX_VIDEO_SECONDS;

    /** Largest frame accepted: 8K UHD. */
    public static final long MAX_VIDEO_PIXELS = 7680L * 4320;
    public static final String MAX_VIDEO_PIXELS_TEXT = "" + MAX_VIDEO_PIXELS;

    /** Most sampled frames per video. */
    public static final int MAX_SAMPLED_FRAMES = 100_000;
    public static final String MAX_SAMPLED_FRAMES_TEXT = "" + MAX_SAMPLED_FRAMES;

    /** Attempts per LLM request on transient faults (429, 5xx, timeouts, resets), the first included. */
    public static final int LLM_ATTEMPTS = 4;
    public static final String LLM_ATTEMPTS_TEXT = "" + LLM_ATTEMPTS;

    /** First back-off between LLM attempts, doubling each time (equal jitter), in milliseconds. */
    public static final int LLM_RETRY_BASE_MS = 1000;
    public static final String LLM_RETRY_BASE_MS_TEXT = "" + LLM_RETRY_BASE_MS;

    /** Longest back-off between LLM attempts, in milliseconds. */
    public static final int LLM_RETRY_MAX_MS = 8000;

    private Limits() {}
}
