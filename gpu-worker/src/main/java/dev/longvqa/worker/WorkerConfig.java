package dev.longvqa.worker;

import dev.longvqa.contract.WorkerEnv;

import dev.longvqa.tdc.TdcSettings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;

/**
 * Everything the worker reads from its environment, typed once at start-up. Each setting comes
 * from a system property (lower-case dotted, e.g. {@code longvqa.worker.concurrency}) or else an
 * environment variable (e.g. {@code WORKER_CONCURRENCY}); every name is a {@link WorkerEnv}, the
 * contract the stack's task definition is written from (docs/WORKER.md lists them).
 *
 * @param queueUrl          the GPU task queue (required)
 * @param bucket            the artifacts bucket; null means "the bucket named in each task's video"
 * @param jobsTable         the job table (null: no job-row updates, e.g. in a bare test)
 * @param llmSpec           a core model spec ({@code openai:URL}, {@code bedrock:MODEL_ID},
 *                          {@code runtime:MODEL}, {@code gguf:PATH}, {@code openai-embeds:URL}); null =
 *                          {@code openai:} + {@code llmBaseUrl}, see {@link #modelSpec()}
 * @param llmBaseUrl        the OpenAI-compatible server used when no spec is given, e.g. {@code http://localhost:8000/v1}
 * @param llmModel          the model name sent in each request (and part of the cache key); null =
 *                          the first model the server lists ({@code GET /models})
 * @param llmApiKey         bearer token for the LLM server; may be null
 * @param concurrency       task slots: how many tasks run at once (default: one per GPU, else 1)
 * @param waitTimeSeconds   SQS long-poll wait (20 in production; short in tests so stop is quick)
 * @param heartbeatInterval SendTaskHeartbeat and visibility-extension period (state HeartbeatSeconds is 120)
 * @param visibilityExtension what each tick sets the message's visibility to (> heartbeatInterval)
 * @param poisonBackoff     visibility given to a message the worker cannot handle, so it does not spin on it
 * @param maxReceiveCount   the queue's redrive maxReceiveCount; 0 = read it from the queue at start-up
 * @param shutdownGrace     how long SIGTERM waits for in-flight tasks before handing them back
 * @param healthPort        port of /health and /ready; 0 = any free port, negative = no server
 * @param device            cpu, gpu or auto: where local models run (the HTTP backend ignores it)
 * @param llmRetries        attempts per LLM request on transient faults (5xx, 429, timeouts, resets)
 * @param llmRetryBase      first back-off between LLM attempts (doubles each time, with jitter)
 * @param llmTimeout        per-request timeout
 * @param llmStartupWait    how long start-up waits for an HTTP model server (openai: specs) to listen
 *                          before taking tasks: a vLLM sidecar loads its weights for minutes; 0 = don't wait
 * @param maxImagesPerPass  frames shown per pass, segment and answer alike (0 = text only); a
 *                          model that accepts fewer images, or none, lowers it
 * @param maxTokens         max_tokens per LLM pass
 * @param awsEndpoint       explicit endpoint for all AWS clients (tests); null = SDK default, which
 *                          already honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>
 * @param sqsEndpoint       per-service overrides (tests); null = {@code awsEndpoint}
 * @param blobRoot          when set, artifacts are read and written under this directory instead of S3
 * @param tdcDir            when set, a TDC directory ({@code longvqa ask --tdc DIR}'s layout): both passes
 *                          show the model the TDC context as input embeddings instead of images
 * @param tdcBudget         the TDC context budget in tokens (default 8K, the reference's)
 */
public record WorkerConfig(String queueUrl, String bucket, String jobsTable, String llmSpec, URI llmBaseUrl, String llmModel,
                           String llmApiKey, int concurrency, int waitTimeSeconds, Duration heartbeatInterval,
                           Duration visibilityExtension, Duration poisonBackoff, int maxReceiveCount,
                           Duration shutdownGrace, int healthPort, Device device, int llmRetries,
                           Duration llmRetryBase, Duration llmTimeout, Duration llmStartupWait, int maxImagesPerPass, int maxTokens,
                           URI awsEndpoint, URI sqsEndpoint, URI sfnEndpoint, URI dynamoEndpoint, URI s3Endpoint,
                           Path blobRoot, Path tdcDir, int tdcBudget) {

    /** Where local models run. The default HTTP backend runs nowhere local, so CPU is always fine. */
    public enum Device {
        CPU, GPU, AUTO;

        static Device parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    public WorkerConfig {
        Objects.requireNonNull(queueUrl, "queueUrl (" + WorkerEnv.TASK_QUEUE_URL.variable() + ")");
        Objects.requireNonNull(llmBaseUrl, "llmBaseUrl (" + WorkerEnv.LLM_BASE_URL.variable() + ")");
        Objects.requireNonNull(device, "device");
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
        if (waitTimeSeconds < 0 || waitTimeSeconds > 20) throw new IllegalArgumentException("waitTimeSeconds must be 0..20");
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) throw new IllegalArgumentException("heartbeatInterval must be > 0");
        if (visibilityExtension.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("visibilityExtension must exceed heartbeatInterval, or the message reappears while it is worked on");
        }
        if (llmRetries < 1) throw new IllegalArgumentException("llmRetries must be >= 1");
        if (maxImagesPerPass < 0) throw new IllegalArgumentException("maxImagesPerPass must be >= 0");
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1");
        if (llmStartupWait.isNegative()) throw new IllegalArgumentException("llmStartupWait must be >= 0");
        if (llmSpec != null && llmSpec.isBlank()) llmSpec = null;
        try {
            TdcSettings.defaults().withBudget(tdcBudget); // the core's bounds, checked before any model loads
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tdcBudget (" + WorkerEnv.TDC_BUDGET.variable() + "): " + e.getMessage(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.queueUrl = queueUrl; b.bucket = bucket; b.jobsTable = jobsTable; b.llmSpec = llmSpec; b.llmBaseUrl = llmBaseUrl;
        b.llmModel = llmModel; b.llmApiKey = llmApiKey; b.concurrency = concurrency; b.waitTimeSeconds = waitTimeSeconds;
        b.heartbeatInterval = heartbeatInterval; b.visibilityExtension = visibilityExtension; b.poisonBackoff = poisonBackoff;
        b.maxReceiveCount = maxReceiveCount; b.shutdownGrace = shutdownGrace; b.healthPort = healthPort; b.device = device;
        b.llmRetries = llmRetries; b.llmRetryBase = llmRetryBase; b.llmTimeout = llmTimeout;
        b.llmStartupWait = llmStartupWait; b.maxImagesPerPass = maxImagesPerPass; b.maxTokens = maxTokens; b.awsEndpoint = awsEndpoint;
        b.sqsEndpoint = sqsEndpoint; b.sfnEndpoint = sfnEndpoint; b.dynamoEndpoint = dynamoEndpoint; b.s3Endpoint = s3Endpoint;
        b.blobRoot = blobRoot; b.tdcDir = tdcDir; b.tdcBudget = tdcBudget;
        return b;
    }

    /**
     * The core model spec the worker opens ({@code LanguageModels.fromSpec}): {@code LONGVQA_LLM}
     * when set, else {@code openai:} + {@code LLM_BASE_URL}, today's default of an
     * OpenAI-compatible server (a vLLM sidecar or a hosted API).
     */
    public String modelSpec() {
        return llmSpec != null ? llmSpec : "openai:" + llmBaseUrl;
    }

    public URI endpointFor(String service) {
        URI specific = switch (service) {
            case "sqs" -> sqsEndpoint;
            case "sfn" -> sfnEndpoint;
            case "dynamodb" -> dynamoEndpoint;
            case "s3" -> s3Endpoint;
            default -> null;
        };
        return specific != null ? specific : awsEndpoint;
    }

    /** Reads system properties first, then the environment. */
    public static WorkerConfig fromEnvironment() {
        return from(System.getenv(), System.getProperties());
    }

    static WorkerConfig from(Map<String, String> env, Properties props) {
        Function<WorkerEnv, String> get = name -> {
            String prop = props.getProperty(name.property());
            if (prop != null && !prop.isBlank()) return prop.trim();
            String v = env.get(name.variable());
            return v == null || v.isBlank() ? null : v.trim();
        };
        Builder b = builder();
        b.queueUrl = get.apply(WorkerEnv.TASK_QUEUE_URL);
        b.bucket = get.apply(WorkerEnv.BUCKET);
        b.jobsTable = get.apply(WorkerEnv.TABLE);
        b.llmSpec = get.apply(WorkerEnv.LLM);
        String llm = get.apply(WorkerEnv.LLM_BASE_URL);
        if (llm != null) b.llmBaseUrl = URI.create(llm);
        b.llmModel = or(get.apply(WorkerEnv.LLM_MODEL), b.llmModel);
        b.llmApiKey = get.apply(WorkerEnv.LLM_API_KEY);
        Device device = get.apply(WorkerEnv.DEVICE) == null ? Device.AUTO : Device.parse(get.apply(WorkerEnv.DEVICE));
        b.device = device;
        String conc = get.apply(WorkerEnv.CONCURRENCY);
        b.concurrency = conc != null ? Integer.parseInt(conc)
                : defaultConcurrency(device, Gpus.visible(get.apply(WorkerEnv.NVIDIA_VISIBLE_DEVICES), Gpus.PROC_GPUS));
        b.waitTimeSeconds = intOr(get.apply(WorkerEnv.WAIT_SECONDS), b.waitTimeSeconds);
        b.heartbeatInterval = durationOr(get.apply(WorkerEnv.HEARTBEAT_SECONDS), b.heartbeatInterval);
        b.visibilityExtension = durationOr(get.apply(WorkerEnv.VISIBILITY_SECONDS), b.visibilityExtension);
        b.poisonBackoff = durationOr(get.apply(WorkerEnv.POISON_BACKOFF_SECONDS), b.poisonBackoff);
        b.maxReceiveCount = intOr(get.apply(WorkerEnv.MAX_RECEIVE_COUNT), b.maxReceiveCount);
        b.shutdownGrace = durationOr(get.apply(WorkerEnv.SHUTDOWN_GRACE_SECONDS), b.shutdownGrace);
        b.healthPort = intOr(get.apply(WorkerEnv.HEALTH_PORT), b.healthPort);
        b.llmRetries = intOr(get.apply(WorkerEnv.LLM_RETRIES), b.llmRetries);
        b.llmTimeout = durationOr(get.apply(WorkerEnv.LLM_TIMEOUT_SECONDS), b.llmTimeout);
        b.llmStartupWait = durationOr(get.apply(WorkerEnv.LLM_STARTUP_WAIT_SECONDS), b.llmStartupWait);
        b.maxImagesPerPass = intOr(get.apply(WorkerEnv.MAX_FRAMES), b.maxImagesPerPass);
        b.maxTokens = intOr(get.apply(WorkerEnv.LLM_MAX_TOKENS), b.maxTokens);
        String blobRoot = get.apply(WorkerEnv.BLOB_ROOT);
        if (blobRoot != null) b.blobRoot = Path.of(blobRoot);
        String tdc = get.apply(WorkerEnv.TDC);
        if (tdc != null) b.tdcDir = Path.of(tdc);
        String budget = get.apply(WorkerEnv.TDC_BUDGET);
        if (budget != null) b.tdcBudget = TdcSettings.parseBudget(budget);
        // AWS_ENDPOINT_URL(_<SERVICE>) are honoured by the SDK itself; the explicit ones are for tests
        String ep = get.apply(WorkerEnv.AWS_ENDPOINT);
        if (ep != null) b.awsEndpoint = URI.create(ep);
        return b.build();
    }

    /** One slot per visible GPU; the CPU fallback gets one slot. */
    static int defaultConcurrency(Device device, int visibleGpus) {
        return device == Device.CPU ? 1 : Math.max(1, visibleGpus);
    }

    private static String or(String v, String fallback) {
        return v != null ? v : fallback;
    }

    private static int intOr(String v, int fallback) {
        return v != null ? Integer.parseInt(v) : fallback;
    }

    private static Duration durationOr(String seconds, Duration fallback) {
        return seconds != null ? Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000)) : fallback;
    }

    /** Production defaults; tests shorten the timings. */
    public static final class Builder {
        private String queueUrl;
        private String bucket;
        private String jobsTable;
        private String llmSpec;
        private URI llmBaseUrl = URI.create("http://localhost:8000/v1");
        private String llmModel;
        private String llmApiKey;
        private int concurrency = 1;
        private int waitTimeSeconds = 20;
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration visibilityExtension = Duration.ofSeconds(120);
        private Duration poisonBackoff = Duration.ofSeconds(60);
        private int maxReceiveCount = 0;
        private Duration shutdownGrace = Duration.ofSeconds(90);
        private int healthPort = 8080;
        private Device device = Device.AUTO;
        private int llmRetries = 4;
        private Duration llmRetryBase = Duration.ofSeconds(1);
        private Duration llmTimeout = Duration.ofMinutes(5);
        private Duration llmStartupWait = Duration.ofMinutes(10);
        private int maxImagesPerPass = 8;
        private int maxTokens = 256;
        private URI awsEndpoint;
        private URI sqsEndpoint;
        private URI sfnEndpoint;
        private URI dynamoEndpoint;
        private URI s3Endpoint;
        private Path blobRoot;
        private Path tdcDir;
        private int tdcBudget = TdcSettings.defaults().budget();

        public Builder queueUrl(String v) { queueUrl = v; return this; }
        public Builder bucket(String v) { bucket = v; return this; }
        public Builder jobsTable(String v) { jobsTable = v; return this; }
        /** A core model spec; wins over {@link #llmBaseUrl}. */
        public Builder llmSpec(String v) { llmSpec = v; return this; }
        public Builder llmBaseUrl(URI v) { llmBaseUrl = v; return this; }
        public Builder llmModel(String v) { llmModel = v; return this; }
        public Builder llmApiKey(String v) { llmApiKey = v; return this; }
        public Builder concurrency(int v) { concurrency = v; return this; }
        public Builder waitTimeSeconds(int v) { waitTimeSeconds = v; return this; }
        public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
        public Builder visibilityExtension(Duration v) { visibilityExtension = v; return this; }
        public Builder poisonBackoff(Duration v) { poisonBackoff = v; return this; }
        public Builder maxReceiveCount(int v) { maxReceiveCount = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder healthPort(int v) { healthPort = v; return this; }
        public Builder device(Device v) { device = v; return this; }
        public Builder llmRetries(int v) { llmRetries = v; return this; }
        public Builder llmRetryBase(Duration v) { llmRetryBase = v; return this; }
        public Builder llmTimeout(Duration v) { llmTimeout = v; return this; }
        public Builder llmStartupWait(Duration v) { llmStartupWait = v; return this; }
        public Builder maxImagesPerPass(int v) { maxImagesPerPass = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder awsEndpoint(URI v) { awsEndpoint = v; return this; }
        public Builder sqsEndpoint(URI v) { sqsEndpoint = v; return this; }
        public Builder sfnEndpoint(URI v) { sfnEndpoint = v; return this; }
        public Builder dynamoEndpoint(URI v) { dynamoEndpoint = v; return this; }
        public Builder s3Endpoint(URI v) { s3Endpoint = v; return this; }
        public Builder blobRoot(Path v) { blobRoot = v; return this; }
        /** A TDC directory: both passes get the TDC context (input embeddings); null = frames as images. */
        public Builder tdcDir(Path v) { tdcDir = v; return this; }
        public Builder tdcBudget(int v) { tdcBudget = v; return this; }

        public WorkerConfig build() {
            return new WorkerConfig(queueUrl, bucket, jobsTable, llmSpec, llmBaseUrl, llmModel, llmApiKey, concurrency,
                    waitTimeSeconds, heartbeatInterval, visibilityExtension, poisonBackoff, maxReceiveCount,
                    shutdownGrace, healthPort, device, llmRetries, llmRetryBase, llmTimeout, llmStartupWait, maxImagesPerPass,
                    maxTokens, awsEndpoint, sqsEndpoint, sfnEndpoint, dynamoEndpoint, s3Endpoint, blobRoot, tdcDir, tdcBudget);
        }
    }

    /**
     * The settings a container with exactly this environment reads (no system properties): the
     * local cloud starts the worker with the environment the stack's task definition gives it.
     */
    public static WorkerConfig fromEnvironment(Map<String, String> env) {
        return from(env, new Properties());
    }
}
