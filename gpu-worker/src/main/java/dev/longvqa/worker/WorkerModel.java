package dev.longvqa.worker;

import dev.longvqa.tdc.TdcModelFiles;
import dev.longvqa.tdc.TdcVisualContext;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.reason.backend.BackendOptions;
import dev.longvqa.reason.backend.HfTokenEmbedder;
import dev.longvqa.reason.backend.LanguageModels;
import dev.longvqa.reason.backend.RetryPolicy;
import dev.longvqa.tdc.TdcSettings;
import dev.longvqa.worker.audio.AudioSettings;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Model loading for the worker: the config's spec opened by the core
 * ({@link LanguageModels#fromSpec}) with the worker's HTTP and retry settings, and the LVCoT
 * settings of both passes. Loaded once at start-up and shared by every task slot; closing it
 * frees the model and what only it uses (the Bedrock client).
 *
 * <p>Failures keep the core's vocabulary, which is the one Step Functions retries on: 429 →
 * THROTTLED and 5xx/timeouts/resets → TRANSIENT, each after {@code LLM_RETRIES} attempts with
 * backoff; no server / 401 / 403 / 404 → MODEL_UNAVAILABLE at once; a rejected request →
 * INTERNAL.
 *
 * <p>With {@code LONGVQA_TDC} the TDC vision side is loaded here too, next to the model, and
 * checked against it first ({@link TdcVisualContext.Builder#loadFor}: the model must take input
 * embeddings of the checkpoint's width), so a wrong pairing stops the worker at start-up.
 */
final class WorkerModel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerModel.class.getName());
    /** The core's own ceiling between attempts; a longer base is kept as is. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

    private final LvcotEngine engine;
    /** What only the model uses and must close after it: the Bedrock client, openai-embeds' token embedder. */
    private final List<AutoCloseable> resources;

    private WorkerModel(LvcotEngine engine, List<AutoCloseable> resources) {
        this.engine = engine;
        this.resources = List.copyOf(resources);
    }

    /**
     * Opens {@link WorkerConfig#modelSpec()}; a bad spec or an unloadable model fails here, before
     * any task. An HTTP model server is first given {@link WorkerConfig#llmStartupWait()} to start
     * listening ({@link ModelServerWait}).
     */
    public static WorkerModel open(WorkerConfig config) throws InterruptedException {
        return open(config, UnaryOperator.identity());
    }

    /** {@code decorate} wraps the opened model before anything uses it (tests record the prompts it gets). */
    static WorkerModel open(WorkerConfig config, UnaryOperator<LanguageModel> decorate) throws InterruptedException {
        // weights kept in S3 (runtime:s3://…, LONGVQA_TDC=s3://…) are copied to instance storage first
        ModelDownload.Sources sources;
        AwsClients[] aws = new AwsClients[1]; // made only when a location is in S3 (it needs a region)
        try {
            sources = ModelDownload.resolve(config, () -> {
                if (aws[0] == null) aws[0] = new AwsClients(config);
                return aws[0].s3();
            });
        } finally {
            if (aws[0] != null) aws[0].close();
        }
        String spec = sources.spec();
        // the TDC parts are checked first: a missing file should not cost a model load or a server wait
        TdcModelFiles tdcFiles = sources.tdcDir() == null ? null
                : TdcModelFiles.inDirectory(sources.tdcDir(), null, null, null, null).requireExisting();
        URI server = ModelServerWait.httpBase(spec);
        if (server != null && !config.llmStartupWait().isZero()) {
            ModelServerWait.await(server, config.llmStartupWait(), Duration.ofSeconds(2));
        }
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            BackendOptions.Builder options = options(config);
            if (spec.startsWith("bedrock:")) {
                BedrockSdkTransport bedrock = new BedrockSdkTransport(BedrockRuntimeClient.create()); // honours AWS_ENDPOINT_URL_BEDROCK_RUNTIME
                resources.add(bedrock);
                options.converse(bedrock);
            }
            if (tdcFiles != null && spec.startsWith("openai-embeds:")) {
                // vLLM takes the whole prompt as embeddings: the text is embedded here with the LLM's
                // tokenizer and table, which the full TDC checkpoint holds (as `longvqa ask --tdc` does)
                tdcFiles.llmEmbedding().ifPresent(e -> {
                    HfTokenEmbedder embedder = new HfTokenEmbedder(e.tokenizerJson(), e.shard(), e.tensor());
                    resources.add(embedder);
                    options.tokenEmbedder(embedder);
                });
            }
            LanguageModel model = decorate.apply(LanguageModels.fromSpec(spec, options.build()));
            TdcVisualContext tdc;
            try {
                tdc = tdcFiles == null ? null
                        : loadTdc(config, sources.tdcDir(), tdcFiles, model, AudioSettings.beats(config.beatsValue(), sources.tdcDir()));
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            return new WorkerModel(new LvcotEngine(model, settings(config), tdc), resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /**
     * The TDC directory in {@code longvqa ask --tdc}'s layout ({@link TdcModelFiles}), budget
     * {@code TDC_BUDGET}, towers on {@code DEVICE}, the Q-Former on {@code LONGVQA_TDC_ENGINE}. A model without input embeddings or of another
     * width is BAD_REQUEST before the towers load.
     */
    static TdcVisualContext loadTdc(WorkerConfig config, java.nio.file.Path dir, TdcModelFiles files, LanguageModel model,
                                    java.nio.file.Path beats) {
        TdcSettings settings = files.settings(TdcSettings.defaults().withBudget(config.tdcBudget()));
        long t0 = System.nanoTime();
        TdcVisualContext tdc = TdcVisualContext.builder(files.visionFiles()).settings(settings)
                .device(config.device().name().toLowerCase(Locale.ROOT))
                .engine(config.tdcEngine())
                .listener(b -> {
                    LvcotEngine.countAudioTokens(b);
                    LOG.log(System.Logger.Level.DEBUG, () -> "TDC context " + b.startSec() + "-" + b.endSec() + "s: " + b.plan().frames()
                            + " frames, " + b.plan().visualTokens() + " visual tokens, " + b.audioTokens() + " audio tokens, " + b.millis() + " ms");
                })
                // BEATs + the checkpoint's audio_proj, as `longvqa ask --tdc` loads them (LONGVQA_BEATS or DIR/audio/)
                .beats(beats)
                .loadFor(model);
        LOG.log(System.Logger.Level.INFO, "TDC vision side loaded from " + dir + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms: budget "
                + settings.budget() + ", width " + tdc.hiddenSize() + ", Q-Former on " + tdc.engine().value() + ", " + tdc.cacheId());
        return tdc;
    }

    /** The worker's LLM_* settings as core backend options. */
    static BackendOptions.Builder options(WorkerConfig c) {
        Duration base = c.llmRetryBase();
        Duration cap = base.compareTo(MAX_BACKOFF) > 0 ? base : MAX_BACKOFF;
        return BackendOptions.builder().model(c.llmModel()).apiKey(c.llmApiKey()).requestTimeout(c.llmTimeout())
                .retry(new RetryPolicy(c.llmRetries(), base, cap, 2.0));
    }

    /** Both passes: {@code LLM_MAX_TOKENS} each, {@code WORKER_MAX_FRAMES} frames each. */
    static LvcotSettings settings(WorkerConfig c) {
        return LvcotSettings.builder().segmentMaxTokens(c.maxTokens()).answerMaxTokens(c.maxTokens())
                .maxImagesPerPass(c.maxImagesPerPass()).build();
    }

    public LvcotEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            closeAll(resources);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // shutting down: nothing left to do with a client that will not close
            }
        }
    }
}
