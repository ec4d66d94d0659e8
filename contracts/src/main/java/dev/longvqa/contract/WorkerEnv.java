package dev.longvqa.contract;

import java.util.Locale;

/**
 * Every environment variable the GPU worker reads (docs/WORKER.md), as the ECS task definition sets
 * it and {@code WorkerConfig} reads it. Each may also be given as a system property
 * ({@link #property()}), which wins: {@code WORKER_CONCURRENCY} is {@code longvqa.worker.concurrency}.
 */
public enum WorkerEnv {
    /** The GPU task queue (required). */
    TASK_QUEUE_URL("LONGVQA_TASK_QUEUE_URL"),
    /** The artifacts bucket; same variable (and value) as the functions' {@link FunctionEnv#BUCKET}. */
    BUCKET(FunctionEnv.BUCKET.variable()),
    /** The jobs table; same variable (and value) as the functions' {@link FunctionEnv#TABLE}. */
    TABLE(FunctionEnv.TABLE.variable()),
    /**
     * The region of every AWS client. Required in the task definition: without it the SDK asks
     * the instance metadata service, and a worker that cannot reach it must not guess a region.
     */
    AWS_REGION("AWS_REGION"),
    /** A core model spec: {@code openai:URL}, {@code openai-embeds:URL}, {@code bedrock:MODEL_ID}, {@code runtime:DIR}. */
    LLM("LONGVQA_LLM"),
    LLM_BASE_URL("LLM_BASE_URL"),
    LLM_MODEL("LLM_MODEL"),
    LLM_API_KEY("LLM_API_KEY"),
    LLM_RETRIES("LLM_RETRIES"),
    LLM_TIMEOUT_SECONDS("LLM_TIMEOUT_SECONDS"),
    LLM_STARTUP_WAIT_SECONDS("LLM_STARTUP_WAIT_SECONDS"),
    LLM_MAX_TOKENS("LLM_MAX_TOKENS"),
    DEVICE("DEVICE"),
    NVIDIA_VISIBLE_DEVICES("NVIDIA_VISIBLE_DEVICES"),
    CONCURRENCY("WORKER_CONCURRENCY"),
    WAIT_SECONDS("WORKER_WAIT_SECONDS"),
    HEARTBEAT_SECONDS("WORKER_HEARTBEAT_SECONDS"),
    VISIBILITY_SECONDS("WORKER_VISIBILITY_SECONDS"),
    POISON_BACKOFF_SECONDS("WORKER_POISON_BACKOFF_SECONDS"),
    MAX_RECEIVE_COUNT("WORKER_MAX_RECEIVE_COUNT"),
    SHUTDOWN_GRACE_SECONDS("WORKER_SHUTDOWN_GRACE_SECONDS"),
    HEALTH_PORT("HEALTH_PORT"),
    MAX_FRAMES("WORKER_MAX_FRAMES"),
    BLOB_ROOT("WORKER_BLOB_ROOT"),
    /** A TDC directory on local disk (vision towers, Q-Former, projector). */
    TDC("LONGVQA_TDC"),
    TDC_BUDGET("TDC_BUDGET"),
    /**
     * Where segment and answer passes get their timed transcript ({@code TranscriptSource}):
     * {@code worker} (decode the video's sound and run {@link #ASR} here), {@code transcribe}
     * (read what the workflow's Amazon Transcribe state wrote), {@code off} (default: no audio).
     */
    TRANSCRIPT("LONGVQA_TRANSCRIPT"),
    /** The local recogniser for {@code worker} transcripts, as {@code longvqa ask --asr}: auto, pocketsphinx[:DIR], off. */
    ASR("LONGVQA_ASR"),
    /**
     * BEATs weights ({@code tools/beats_to_safetensors.py}) for audio tokens in the TDC context;
     * default {@code LONGVQA_TDC/audio/beats.safetensors} when present; {@code off}: none.
     */
    BEATS("LONGVQA_BEATS"),
    /** One endpoint for every AWS client (tests, emulators); the SDK's AWS_ENDPOINT_URL_* also work. */
    AWS_ENDPOINT("WORKER_AWS_ENDPOINT"),
    /** Set by the ECS agent itself (not the task definition): its endpoint for task scale-in protection. */
    ECS_AGENT_URI("ECS_AGENT_URI");

    private final String variable;

    WorkerEnv(String variable) {
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }

    /** {@code WORKER_CONCURRENCY} → {@code longvqa.worker.concurrency}, {@code LONGVQA_TDC} → {@code longvqa.tdc}. */
    public String property() {
        String name = variable.startsWith("LONGVQA_") ? variable.substring("LONGVQA_".length()) : variable;
        return "longvqa." + name.toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
