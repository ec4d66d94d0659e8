package dev.longvqa.worker;

import dev.longvqa.worker.store.BlobStore;
import dev.longvqa.worker.store.BlobStores;
import dev.longvqa.worker.store.FileBlobStore;
import dev.longvqa.worker.store.S3BlobStore;

import dev.longvqa.reason.LanguageModel;
import dev.longvqa.worker.audio.AudioSettings;
import dev.longvqa.worker.audio.JobAudio;
import dev.longvqa.worker.audio.VideoLocator;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker wired from config: clients, model, handlers, loop and health server. The model is
 * opened here once ({@link WorkerModel}: the core backend named by {@link WorkerConfig#modelSpec()})
 * and shared by every task. The local cloud can start one in-process over a model it opened itself
 * with {@link #start(WorkerConfig, SegmentSummarizer, Answerer)}.
 */
public final class WorkerApp implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerApp.class.getName());

    private final WorkerConfig config;
    private final AwsClients aws;
    private final Worker worker;
    private final HealthServer health;
    private final AutoCloseable model;

    private WorkerApp(WorkerConfig config, AwsClients aws, Worker worker, HealthServer health, AutoCloseable model) {
        this.config = config;
        this.aws = aws;
        this.worker = worker;
        this.health = health;
        this.model = model;
    }

    /** Opens the configured model ({@link WorkerModel#open}) and starts the worker over it; stopping closes it. */
    public static WorkerApp start(WorkerConfig config) throws IOException, InterruptedException {
        return start(config, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /**
     * Like {@link #start(WorkerConfig)}, with the opened model and the blob stores wrapped before
     * use: tests record what the model is given and count what is read.
     */
    static WorkerApp start(WorkerConfig config, UnaryOperator<LanguageModel> decorateModel, UnaryOperator<BlobStores> decorateStores)
            throws IOException, InterruptedException {
        WorkerModel model = WorkerModel.open(config, decorateModel);
        try {
            return start(config, model.engine(), model.engine(), model, decorateStores);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Over passes the caller built and owns (the local cloud's engine). */
    public static WorkerApp start(WorkerConfig config, SegmentSummarizer summarizer, Answerer answerer) throws IOException {
        return start(config, summarizer, answerer, null, UnaryOperator.identity());
    }

    private static WorkerApp start(WorkerConfig config, SegmentSummarizer summarizer, Answerer answerer, AutoCloseable owned,
                                   UnaryOperator<BlobStores> decorateStores) throws IOException {
        AwsClients aws = new AwsClients(config);
        BlobStores stores = decorateStores.apply(blobStores(config, aws));
        JobRows rows = config.jobsTable() == null ? null : new JobRows(aws.dynamo(), config.jobsTable());
        // the job's sound: its transcript in every pass, its BEATs tokens in a TDC context (docs/WORKER.md "Sound")
        JobAudio audio = new JobAudio(new AudioSettings(config.transcriptSource(), config.asrSpec()),
                config.blobRoot() != null ? VideoLocator.files(config.blobRoot()) : VideoLocator.presigned(aws.presigner(), JobAudio.URL_VALIDITY),
                rows == null ? JobAudio.Warnings.NONE : rows::addAudioWarnings);
        TaskHandler.Handlers handlers = new TaskHandler.Handlers(
                new SegmentTaskHandler(stores, config.bucket(), summarizer, config.maxImagesPerPass(), audio),
                new AnswerTaskHandler(stores, config.bucket(), answerer, config.maxImagesPerPass(), audio));
        Worker worker = new Worker(config, aws.sqs(), new SfnTaskCallbacks(aws.sfn()), rows, handlers,
                TaskProtection.fromEnvironment(System.getenv()));
        HealthServer health = config.healthPort() < 0 ? null : new HealthServer(config.healthPort(), worker::stats, worker::running);
        worker.start();
        int gpus = Gpus.visible(System.getenv("NVIDIA_VISIBLE_DEVICES"), Gpus.PROC_GPUS);
        LOG.log(System.Logger.Level.INFO, "worker up: device " + Gpus.resolve(config.device(), gpus) + " (" + config.device() + ", " + gpus
                + " GPU(s) visible), model " + answerer.modelId() + ", up to " + Math.min(config.maxImagesPerPass(), answerer.maxImages())
                + " frame(s) per pass" + (answerer.readsStoredVideo() ? " (TDC context as input embeddings instead)" : "") + (health != null ? ", health on :" + health.port() : ""));
        return new WorkerApp(config, aws, worker, health, owned);
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
        closeModel();
        return finished;
    }

    /**
     * Bounded: an HTTP backend's close waits for requests still on the wire, and an abandoned
     * task's may not have unwound yet; the process must exit within its stop timeout regardless.
     */
    private void closeModel() {
        if (model == null) return;
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                model.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing the model: " + e);
            }
        });
        try {
            if (!t.join(Duration.ofSeconds(5))) LOG.log(System.Logger.Level.WARNING, "model still closing after 5 s; leaving it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Abrupt stop, as if the process died: nothing reported, nothing handed back, nothing closed gracefully. */
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
