package dev.longvqa.worker;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The worker wired from config: clients, models, handlers, loop and health server. Models (the
 * summarizer and answerer) are created here once and shared by every task. The local cloud can
 * start one in-process with {@link #start(WorkerConfig, SegmentSummarizer, Answerer)}.
 */
public final class WorkerApp implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkerApp.class.getName());

    private final WorkerConfig config;
    private final AwsClients aws;
    private final Worker worker;
    private final HealthServer health;

    private WorkerApp(WorkerConfig config, AwsClients aws, Worker worker, HealthServer health) {
        this.config = config;
        this.aws = aws;
        this.worker = worker;
        this.health = health;
    }

    /**
     * With {@code LONGVQA_LLM} set (a model spec such as {@code runtime:smolvlm-256m} or
     * {@code openai:http://host:8000/v1}): the core's LVCoT over that model, loaded once. Otherwise
     * the OpenAI-compatible client configured by {@code LLM_BASE_URL}.
     */
    public static WorkerApp start(WorkerConfig config) throws IOException {
        return start(config, System.getenv("LONGVQA_LLM"));
    }

    /** With the core model {@code spec} when given (see {@link #start(WorkerConfig)}), else the HTTP default. */
    public static WorkerApp start(WorkerConfig config, String spec) throws IOException {
        if (spec != null && !spec.isBlank()) {
            var options = dev.longvqa.reason.backend.BackendOptions.builder();
            if (spec.startsWith("bedrock:")) {
                options.converse(new BedrockSdkTransport(software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient.create()));
            }
            LvcotEngine engine = new LvcotEngine(dev.longvqa.reason.backend.LanguageModels.fromSpec(spec, options.build()),
                    dev.longvqa.reason.LvcotSettings.builder().segmentMaxTokens(config.maxTokens()).build());
            return start(config, engine, engine);
        }
        ObjectMapper json = new ObjectMapper();
        OpenAiChat chat = OpenAiChat.from(config, json);
        return start(config, new OpenAiSegmentSummarizer(chat, config.maxTokens()), new OpenAiAnswerer(chat, config.maxTokens()));
    }

    public static WorkerApp start(WorkerConfig config, SegmentSummarizer summarizer, Answerer answerer) throws IOException {
        ObjectMapper json = new ObjectMapper();
        AwsClients aws = new AwsClients(config);
        BlobStores stores = blobStores(config, aws);
        TaskHandler.Handlers handlers = new TaskHandler.Handlers(
                new SegmentTaskHandler(stores, config.bucket(), summarizer, json, config.maxFramesPerSegment()),
                new AnswerTaskHandler(stores, config.bucket(), answerer, json));
        JobRows rows = config.jobsTable() == null ? null : new JobRows(aws.dynamo(), config.jobsTable());
        Worker worker = new Worker(config, aws.sqs(), new SfnTaskCallbacks(aws.sfn()), rows, handlers, json);
        HealthServer health = config.healthPort() < 0 ? null : new HealthServer(config.healthPort(), worker::stats, worker::running, json);
        worker.start();
        int gpus = Gpus.visible(System.getenv("NVIDIA_VISIBLE_DEVICES"), Gpus.PROC_GPUS);
        LOG.info("worker up: device " + Gpus.resolve(config.device(), gpus) + " (" + config.device() + ", " + gpus
                + " GPU(s) visible), model " + config.llmModel() + " at " + config.llmBaseUrl()
                + (health != null ? ", health on :" + health.port() : ""));
        return new WorkerApp(config, aws, worker, health);
    }

    static BlobStores blobStores(WorkerConfig config, AwsClients aws) {
        if (config.blobRoot() != null) return name -> new FileBlobStore(config.blobRoot().resolve(name));
        Map<String, BlobStore> byBucket = new ConcurrentHashMap<>();
        return name -> byBucket.computeIfAbsent(name, b -> new S3BlobStore(aws.s3(), b));
    }

    public Worker worker() {
        return worker;
    }

    /** -1 when disabled. */
    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    /** Graceful stop (SIGTERM); true when every in-flight task finished within the grace. */
    public boolean stop(Duration grace) {
        boolean finished = worker.shutdown(grace);
        if (health != null) health.close();
        aws.close();
        return finished;
    }

    /** Abrupt stop, as if the process died: nothing reported, nothing handed back. */
    public void kill() {
        worker.kill();
        if (health != null) health.close();
        aws.close();
    }

    @Override
    public void close() {
        stop(config.shutdownGrace());
    }
}
