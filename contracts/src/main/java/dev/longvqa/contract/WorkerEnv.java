package dev.longvqa.contract;

import java.util.Locale;

/**
 * Every environment variable the GPU worker reads (docs/WORKER.md), as the ECS task definition sets
 * it and the worker's {@code WorkerConfig} mapping reads it ({@code @WithName(WorkerEnv.Names.X)}).
 * Each may also be given as a system property ({@link #property()}), which wins:
 * {@code WORKER_CONCURRENCY} is {@code longvqa.worker.concurrency}.
 */
public enum WorkerEnv {
    /** The GPU task queue (required). */
    TASK_QUEUE_URL(Names.TASK_QUEUE_URL),
    /** The artifacts bucket; same variable (and value) as the functions' {@link FunctionEnv#BUCKET}. */
    BUCKET(Names.BUCKET),
    /** The jobs table; same variable (and value) as the functions' {@link FunctionEnv#TABLE}. */
    TABLE(Names.TABLE),
    /**
     * The region of every AWS client. Required in the task definition: without it the SDK asks
     * the instance metadata service, and a worker that cannot reach it must not guess a region.
     */
    AWS_REGION(Names.AWS_REGION),
    /**
     * A core model spec: {@code openai:URL}, {@code openai-embeds:URL}, {@code bedrock:MODEL_ID},
     * {@code runtime:DIR}, or {@code runtime:s3://BUCKET/PREFIX/} (the checkpoint is copied to
     * {@link #MODEL_DIR} at start, then runs in-process).
     */
    LLM(Names.LLM),
    LLM_BASE_URL(Names.LLM_BASE_URL),
    LLM_MODEL(Names.LLM_MODEL),
    LLM_API_KEY(Names.LLM_API_KEY),
    LLM_RETRIES(Names.LLM_RETRIES),
    /** First back-off between LLM attempts, milliseconds (doubling, equal jitter, capped). */
    LLM_RETRY_BASE_MS(Names.LLM_RETRY_BASE_MS),
    LLM_TIMEOUT_SECONDS(Names.LLM_TIMEOUT_SECONDS),
    LLM_STARTUP_WAIT_SECONDS(Names.LLM_STARTUP_WAIT_SECONDS),
    LLM_MAX_TOKENS(Names.LLM_MAX_TOKENS),
    DEVICE(Names.DEVICE),
    NVIDIA_VISIBLE_DEVICES(Names.NVIDIA_VISIBLE_DEVICES),
    CONCURRENCY(Names.CONCURRENCY),
    WAIT_SECONDS(Names.WAIT_SECONDS),
    HEARTBEAT_SECONDS(Names.HEARTBEAT_SECONDS),
    VISIBILITY_SECONDS(Names.VISIBILITY_SECONDS),
    POISON_BACKOFF_SECONDS(Names.POISON_BACKOFF_SECONDS),
    MAX_RECEIVE_COUNT(Names.MAX_RECEIVE_COUNT),
    SHUTDOWN_GRACE_SECONDS(Names.SHUTDOWN_GRACE_SECONDS),
    HEALTH_PORT(Names.HEALTH_PORT),
    MAX_FRAMES(Names.MAX_FRAMES),
    BLOB_ROOT(Names.BLOB_ROOT),
    /** A TDC directory on local disk (vision towers, Q-Former, projector), or {@code s3://BUCKET/PREFIX/} to copy to {@link #MODEL_DIR} at start. */
    TDC(Names.TDC),
    /** Where weights named by {@code s3://} in {@link #LLM} and {@link #TDC} are copied at start (instance storage). */
    MODEL_DIR(Names.MODEL_DIR),
    TDC_BUDGET(Names.TDC_BUDGET),
    /** What runs the TDC Q-Former, as {@code longvqa ask --tdc-engine}: auto (ONNX Runtime on the CPU, DJL on a GPU), djl, onnxruntime. */
    TDC_ENGINE(Names.TDC_ENGINE),
    /**
     * Where segment and answer passes get their timed transcript ({@link TranscriptSource}, set by
     * the stack): {@code worker} (decode the video's sound and run {@link #ASR} here),
     * {@code transcribe} (convert what the workflow's Amazon Transcribe state wrote), {@code off}.
     */
    TRANSCRIPT(Names.TRANSCRIPT),
    /** The local recogniser for {@code worker} transcripts, as {@code longvqa ask --asr}: auto, pocketsphinx[:DIR], whisper:MODEL[#LANG], off. */
    ASR(Names.ASR),
    /**
     * BEATs weights ({@code tools/beats_to_safetensors.py}) for audio tokens in the TDC context;
     * unset: {@code LONGVQA_TDC/audio/beats.safetensors} when present; {@code off}: none.
     */
    BEATS(Names.BEATS),
    /** One endpoint for every AWS client (tests, emulators). */
    AWS_ENDPOINT(Names.AWS_ENDPOINT),
    /** Per-service endpoints (tests, the local cloud), the worker's own; the SDK's AWS_ENDPOINT_URL_* work too. */
    SQS_ENDPOINT(Names.SQS_ENDPOINT),
    SFN_ENDPOINT(Names.SFN_ENDPOINT),
    DYNAMODB_ENDPOINT(Names.DYNAMODB_ENDPOINT),
    S3_ENDPOINT(Names.S3_ENDPOINT),
    /**
     * The SDK's own S3 endpoint variable, which the SDK honours itself; the worker reads it only to
     * address an endpoint other than AWS's path-style (emulators serve nothing else).
     */
    SDK_S3_ENDPOINT(Names.SDK_S3_ENDPOINT),
    /** Set by the ECS agent itself (not the task definition): its endpoint for task scale-in protection. */
    ECS_AGENT_URI(Names.ECS_AGENT_URI);

    /** Compile-time constants, for {@code @WithName(WorkerEnv.Names.TASK_QUEUE_URL)}. */
    public static final class Names {
        public static final String TASK_QUEUE_URL = "LONGVQA_TASK_QUEUE_URL";
        /** {@code FunctionEnv.BUCKET}'s variable: {@code longvqa.bucket} under SmallRye's rule. */
        public static final String BUCKET = "LONGVQA_BUCKET";
        /** {@code FunctionEnv.TABLE}'s variable: {@code longvqa.table} under SmallRye's rule. */
        public static final String TABLE = "LONGVQA_TABLE";
        public static final String AWS_REGION = "AWS_REGION";
        public static final String LLM = "LONGVQA_LLM";
        public static final String LLM_BASE_URL = "LLM_BASE_URL";
        public static final String LLM_MODEL = "LLM_MODEL";
        public static final String LLM_API_KEY = "LLM_API_KEY";
        public static final String LLM_RETRIES = "LLM_RETRIES";
        public static final String LLM_RETRY_BASE_MS = "LLM_RETRY_BASE_MS";
        public static final String LLM_TIMEOUT_SECONDS = "LLM_TIMEOUT_SECONDS";
        public static final String LLM_STARTUP_WAIT_SECONDS = "LLM_STARTUP_WAIT_SECONDS";
        public static final String LLM_MAX_TOKENS = "LLM_MAX_TOKENS";
        public static final String DEVICE = "DEVICE";
        public static final String NVIDIA_VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES";
        public static final String CONCURRENCY = "WORKER_CONCURRENCY";
        public static final String WAIT_SECONDS = "WORKER_WAIT_SECONDS";
        public static final String HEARTBEAT_SECONDS = "WORKER_HEARTBEAT_SECONDS";
        public static final String VISIBILITY_SECONDS = "WORKER_VISIBILITY_SECONDS";
        public static final String POISON_BACKOFF_SECONDS = "WORKER_POISON_BACKOFF_SECONDS";
        public static final String MAX_RECEIVE_COUNT = "WORKER_MAX_RECEIVE_COUNT";
        public static final String SHUTDOWN_GRACE_SECONDS = "WORKER_SHUTDOWN_GRACE_SECONDS";
        public static final String HEALTH_PORT = "HEALTH_PORT";
        public static final String MAX_FRAMES = "WORKER_MAX_FRAMES";
        public static final String BLOB_ROOT = "WORKER_BLOB_ROOT";
        public static final String TDC = "LONGVQA_TDC";
        public static final String TDC_BUDGET = "TDC_BUDGET";
        /** The command line's {@code longvqa.tdc-engine} variable too: one name on both sides. */
        public static final String TDC_ENGINE = "LONGVQA_TDC_ENGINE";
        public static final String TRANSCRIPT = "LONGVQA_TRANSCRIPT";
        public static final String ASR = "LONGVQA_ASR";
        public static final String BEATS = "LONGVQA_BEATS";
        public static final String MODEL_DIR = "LONGVQA_MODEL_DIR";
        public static final String AWS_ENDPOINT = "WORKER_AWS_ENDPOINT";
        public static final String SQS_ENDPOINT = "WORKER_SQS_ENDPOINT";
        public static final String SFN_ENDPOINT = "WORKER_SFN_ENDPOINT";
        public static final String DYNAMODB_ENDPOINT = "WORKER_DYNAMODB_ENDPOINT";
        public static final String S3_ENDPOINT = "WORKER_S3_ENDPOINT";
        public static final String SDK_S3_ENDPOINT = "AWS_ENDPOINT_URL_S3";
        public static final String ECS_AGENT_URI = "ECS_AGENT_URI";

        private Names() {}
    }

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
