package dev.longvqa.worker;

import dev.longvqa.contract.Limits;
import dev.longvqa.contract.TranscriptSource;
import dev.longvqa.contract.WorkerEnv;
import dev.longvqa.contract.WorkerEnv.Names;
import dev.longvqa.tdc.TdcEngine;
import dev.longvqa.tdc.TdcSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Everything the worker reads from its environment, typed once at start-up by SmallRye Config (the
 * library Quarkus reads the functions' configuration with), with each default stated once, here
 * ({@code @WithDefault}; the limits shared with the CLI and the functions come from {@link Limits}).
 * Every name is a {@link WorkerEnv}, the contract the stack's task definition is written from;
 * docs/WORKER.md's table is checked against these annotations ({@code WorkerDocTest}). A system
 * property {@link WorkerEnv#property()} (e.g. {@code longvqa.worker.concurrency}) wins over the
 * variable.
 *
 * <p>Values in seconds may be fractional ({@code 0.3}); tests shorten the timings that way.
 */
@ConfigMapping(prefix = "")
public interface WorkerConfig {

    /** Where local models run. The default HTTP backend runs nowhere local, so CPU is always fine. */
    enum Device { CPU, GPU, AUTO }

    /** The GPU task queue (required). */
    @WithName(Names.TASK_QUEUE_URL)
    String queueUrl();

    /** The artifacts bucket; unset: the bucket each task names. */
    @WithName(Names.BUCKET)
    Optional<String> bucketName();

    /** The job table; unset: no job-row updates (a bare test). */
    @WithName(Names.TABLE)
    Optional<String> jobsTableName();

    /**
     * A core model spec ({@code openai:URL}, {@code bedrock:MODEL_ID}, {@code runtime:MODEL},
     * {@code gguf:PATH}, {@code openai-embeds:URL}); unset: {@code openai:} + {@link #llmBaseUrl()}.
     */
    @WithName(Names.LLM)
    Optional<String> llmSpecValue();

    /** The OpenAI-compatible server used when no spec is given (a vLLM sidecar). */
    @WithName(Names.LLM_BASE_URL)
    @WithDefault("http://localhost:8000/v1")
    URI llmBaseUrl();

    /** The model name sent in each request (and part of the cache key); unset: the first the server lists. */
    @WithName(Names.LLM_MODEL)
    Optional<String> llmModelName();

    /** Bearer token for the LLM server. */
    @WithName(Names.LLM_API_KEY)
    Optional<String> llmApiKeyValue();

    /** Task slots: how many tasks run at once; unset: one per visible GPU, else 1. */
    @WithName(Names.CONCURRENCY)
    Optional<Integer> concurrencySetting();

    @WithName(Names.NVIDIA_VISIBLE_DEVICES)
    Optional<String> visibleDevices();

    /** SQS long-poll wait, 0..20 (20 in production; short in tests so stop is quick). */
    @WithName(Names.WAIT_SECONDS)
    @WithDefault("20")
    int waitTimeSeconds();

    /** SendTaskHeartbeat and visibility-extension period. */
    @WithName(Names.HEARTBEAT_SECONDS)
    @WithDefault("30")
    double heartbeatSeconds();

    /** What each tick sets the message's visibility to (more than the heartbeat period). */
    @WithName(Names.VISIBILITY_SECONDS)
    @WithDefault("120")
    double visibilitySeconds();

    /** Visibility given to a message the worker cannot handle, so it does not spin on it. */
    @WithName(Names.POISON_BACKOFF_SECONDS)
    @WithDefault("60")
    double poisonBackoffSeconds();

    /** The queue's redrive maxReceiveCount; 0: read it from the queue at start-up. */
    @WithName(Names.MAX_RECEIVE_COUNT)
    @WithDefault("0")
    int maxReceiveCount();

    /** How long SIGTERM waits for in-flight tasks before handing them back. */
    @WithName(Names.SHUTDOWN_GRACE_SECONDS)
    @WithDefault("90")
    double shutdownGraceSeconds();

    /** Port of /health and /ready; 0: any free port, negative: no server. */
    @WithName(Names.HEALTH_PORT)
    @WithDefault("8080")
    int healthPort();

    /** cpu, gpu or auto: where local models run. */
    @WithName(Names.DEVICE)
    @WithDefault("auto")
    Device device();

    /** Attempts per LLM request on transient faults (5xx, 429, timeouts, resets). */
    @WithName(Names.LLM_RETRIES)
    @WithDefault(Limits.LLM_ATTEMPTS_TEXT)
    int llmRetries();

    /** First back-off between LLM attempts, milliseconds (doubles each time, with jitter). */
    @WithName(Names.LLM_RETRY_BASE_MS)
    @WithDefault(Limits.LLM_RETRY_BASE_MS_TEXT)
    long llmRetryBaseMs();

    /** Per-request timeout. */
    @WithName(Names.LLM_TIMEOUT_SECONDS)
    @WithDefault("300")
    double llmTimeoutSeconds();

    /**
     * How long start-up waits for an HTTP model server ({@code openai:} specs) to listen before
     * taking tasks: a vLLM sidecar loads its weights for minutes; 0: don't wait.
     */
    @WithName(Names.LLM_STARTUP_WAIT_SECONDS)
    @WithDefault("600")
    double llmStartupWaitSeconds();

    /** Frames shown per pass, segment and answer alike (0: text only); a model that takes fewer lowers it. */
    @WithName(Names.MAX_FRAMES)
    @WithDefault("8")
    int maxImagesPerPass();

    /** max_tokens per LLM pass. */
    @WithName(Names.LLM_MAX_TOKENS)
    @WithDefault("256")
    int maxTokens();

    /** One endpoint for all AWS clients (tests); unset: the SDK's default. */
    @WithName(Names.AWS_ENDPOINT)
    Optional<URI> awsEndpoint();

    @WithName(Names.SQS_ENDPOINT)
    Optional<URI> sqsEndpoint();

    @WithName(Names.SFN_ENDPOINT)
    Optional<URI> sfnEndpoint();

    @WithName(Names.DYNAMODB_ENDPOINT)
    Optional<URI> dynamoEndpoint();

    @WithName(Names.S3_ENDPOINT)
    Optional<URI> s3Endpoint();

    /** The SDK's {@code AWS_ENDPOINT_URL_S3} (the SDK uses it itself; see {@link #s3PathStyle()}). */
    @WithName(Names.SDK_S3_ENDPOINT)
    Optional<URI> sdkS3Endpoint();

    /** When set, artifacts are read and written under this directory instead of S3. */
    @WithName(Names.BLOB_ROOT)
    Optional<String> blobDirectory();

    /**
     * A TDC directory ({@code longvqa ask --tdc DIR}'s layout): both passes show the model the TDC
     * context as input embeddings instead of images. {@code s3://BUCKET/PREFIX/}: copied to
     * {@link #modelDir()} at start ({@link ModelDownload}).
     */
    @WithName(Names.TDC)
    Optional<String> tdcDirectory();

    /** Where {@code s3://} weights ({@code LONGVQA_LLM=runtime:s3://…}, {@code LONGVQA_TDC=s3://…}) are copied at start. */
    @WithName(Names.MODEL_DIR)
    @WithDefault("/tmp/longvqa-models")
    String modelDirectory();

    /** The TDC context budget in tokens ({@code 8192}, {@code 8K}); unset: the core's default. */
    @WithName(Names.TDC_BUDGET)
    Optional<String> tdcBudgetValue();

    /** What runs the TDC Q-Former: {@code auto} (ONNX Runtime on the CPU, DJL on a GPU), {@code djl}, {@code onnxruntime}. */
    @WithName(Names.TDC_ENGINE)
    @WithDefault("auto")
    String tdcEngineValue();

    /**
     * Where the passes' timed transcript comes from ({@link TranscriptSource}, set by the stack):
     * {@code worker}, {@code transcribe} or {@code off}.
     */
    @WithName(Names.TRANSCRIPT)
    @WithDefault("off")
    String transcriptSourceValue();

    /** The local recogniser for {@code worker} transcripts, as {@code longvqa ask --asr}. */
    @WithName(Names.ASR)
    @WithDefault("auto")
    String asrSpec();

    /** BEATs weights for audio tokens in the TDC context; unset: the TDC directory's {@code audio/beats.safetensors}; {@code off}: none. */
    @WithName(Names.BEATS)
    Optional<String> beatsValue();

    // --- derived values, each from the one setting above ---

    default TranscriptSource transcriptSource() {
        return TranscriptSource.parse(transcriptSourceValue());
    }

    default String bucket() {
        return bucketName().orElse(null);
    }

    default String jobsTable() {
        return jobsTableName().orElse(null);
    }

    default String llmSpec() {
        return llmSpecValue().filter(s -> !s.isBlank()).orElse(null);
    }

    default String llmModel() {
        return llmModelName().orElse(null);
    }

    default String llmApiKey() {
        return llmApiKeyValue().orElse(null);
    }

    default int concurrency() {
        return concurrencySetting().orElseGet(() -> defaultConcurrency(device(), Gpus.visible(visibleDevices().orElse(null), Gpus.PROC_GPUS)));
    }

    default Duration heartbeatInterval() {
        return seconds(heartbeatSeconds());
    }

    default Duration visibilityExtension() {
        return seconds(visibilitySeconds());
    }

    default Duration poisonBackoff() {
        return seconds(poisonBackoffSeconds());
    }

    default Duration shutdownGrace() {
        return seconds(shutdownGraceSeconds());
    }

    default Duration llmRetryBase() {
        return Duration.ofMillis(llmRetryBaseMs());
    }

    default Duration llmTimeout() {
        return seconds(llmTimeoutSeconds());
    }

    default Duration llmStartupWait() {
        return seconds(llmStartupWaitSeconds());
    }

    /** Null: artifacts in S3. */
    default Path blobRoot() {
        return blobDirectory().map(Path::of).orElse(null);
    }

    /** Null: frames as images, or TDC weights still in S3 ({@link #tdcLocation()}). */
    default Path tdcDir() {
        return tdcDirectory().filter(t -> !t.startsWith(ModelDownload.S3)).map(Path::of).orElse(null);
    }

    /** {@code LONGVQA_TDC} as given: a directory or an {@code s3://} prefix; null: none. */
    default String tdcLocation() {
        return tdcDirectory().orElse(null);
    }

    default Path modelDir() {
        return Path.of(modelDirectory());
    }

    default TdcEngine tdcEngine() {
        return TdcEngine.parse(tdcEngineValue(), Names.TDC_ENGINE);
    }

    default int tdcBudget() {
        return tdcBudgetValue().map(TdcSettings::parseBudget).orElseGet(() -> TdcSettings.defaults().budget());
    }

    /**
     * The core model spec the worker opens ({@code LanguageModels.fromSpec}): {@code LONGVQA_LLM}
     * when set, else {@code openai:} + {@code LLM_BASE_URL}, an OpenAI-compatible server (a vLLM
     * sidecar or a hosted API).
     */
    default String modelSpec() {
        return llmSpec() != null ? llmSpec() : "openai:" + llmBaseUrl();
    }

    default URI endpointFor(String service) {
        Optional<URI> specific = switch (service) {
            case "sqs" -> sqsEndpoint();
            case "sfn" -> sfnEndpoint();
            case "dynamodb" -> dynamoEndpoint();
            case "s3" -> s3Endpoint();
            default -> Optional.empty();
        };
        return specific.or(this::awsEndpoint).orElse(null);
    }

    /**
     * S3 addressed path-style: any endpoint other than AWS's (ours or the SDK's variable) is an
     * emulator, and emulators serve path-style only. Not a reason to assume a region: that takes the
     * worker's own endpoints ({@code AwsClients.region}).
     */
    default boolean s3PathStyle() {
        return endpointFor("s3") != null || sdkS3Endpoint().isPresent();
    }

    /** These settings, or an error naming the first one that cannot work. */
    default WorkerConfig validated() {
        if (concurrency() < 1) throw new IllegalArgumentException("concurrency (" + Names.CONCURRENCY + ") must be >= 1");
        if (waitTimeSeconds() < 0 || waitTimeSeconds() > 20) {
            throw new IllegalArgumentException("waitTimeSeconds (" + Names.WAIT_SECONDS + ") must be 0..20");
        }
        if (!(heartbeatSeconds() > 0)) throw new IllegalArgumentException("heartbeatInterval (" + Names.HEARTBEAT_SECONDS + ") must be > 0");
        if (visibilityExtension().compareTo(heartbeatInterval()) <= 0) {
            throw new IllegalArgumentException("visibilityExtension (" + Names.VISIBILITY_SECONDS
                    + ") must exceed heartbeatInterval, or the message reappears while it is worked on");
        }
        if (llmRetries() < 1) throw new IllegalArgumentException("llmRetries (" + Names.LLM_RETRIES + ") must be >= 1");
        if (llmRetryBaseMs() < 0) throw new IllegalArgumentException("llmRetryBase (" + Names.LLM_RETRY_BASE_MS + ") must be >= 0");
        if (maxImagesPerPass() < 0) throw new IllegalArgumentException("maxImagesPerPass (" + Names.MAX_FRAMES + ") must be >= 0");
        if (maxTokens() < 1) throw new IllegalArgumentException("maxTokens (" + Names.LLM_MAX_TOKENS + ") must be >= 1");
        if (llmStartupWaitSeconds() < 0) {
            throw new IllegalArgumentException("llmStartupWait (" + Names.LLM_STARTUP_WAIT_SECONDS + ") must be >= 0");
        }
        try {
            transcriptSource();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transcript source (" + Names.TRANSCRIPT + "): " + e.getMessage(), e);
        }
        tdcEngine(); // BAD_REQUEST naming the variable and the values
        int budget = tdcBudget(); // a budget that is no number fails as such
        try {
            TdcSettings.defaults().withBudget(budget); // the core's bounds, checked before any model loads
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tdcBudget (" + Names.TDC_BUDGET + "): " + e.getMessage(), e);
        }
        return this;
    }

    /** One slot per visible GPU; the CPU fallback gets one slot. */
    static int defaultConcurrency(Device device, int visibleGpus) {
        return device == Device.CPU ? 1 : Math.max(1, visibleGpus);
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /** The process's settings: system properties ({@link WorkerEnv#property()}) over the environment. */
    static WorkerConfig fromEnvironment() {
        return from(System.getenv(), System.getProperties());
    }

    /**
     * The settings a container with exactly this environment reads (no system properties): the
     * local cloud and the deployment tests start the worker with the task definition's environment.
     */
    static WorkerConfig fromEnvironment(Map<String, String> env) {
        return from(env, new Properties());
    }

    /** Settings from {@link WorkerEnv} values (tests, the local cloud); every other one its default. */
    static WorkerConfig of(Map<WorkerEnv, String> values) {
        Map<String, String> env = new HashMap<>();
        values.forEach((k, v) -> env.put(k.variable(), v));
        return fromEnvironment(env);
    }

    /** A mutable map for {@link #of}, so a test can change one value of a shared base. */
    static Map<WorkerEnv, String> values() {
        return new EnumMap<>(WorkerEnv.class);
    }

    static WorkerConfig from(Map<String, String> env, Properties props) {
        Map<String, String> overrides = new HashMap<>();
        for (WorkerEnv name : WorkerEnv.values()) {
            String p = props.getProperty(name.property());
            if (p != null && !p.isBlank()) overrides.put(name.variable(), p.trim());
        }
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(overrides, "system properties (longvqa.*)", 400))
                .withSources(new EnvConfigSource(env, 300))
                .withMapping(WorkerConfig.class)
                .withValidateUnknown(false) // the environment holds far more than the worker's names
                .build()
                .getConfigMapping(WorkerConfig.class)
                .validated();
    }
}
