package dev.longvqa.local.cloud;

import dev.longvqa.contract.Handler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.functions.AwsFaults;
import dev.longvqa.functions.DecodeRangeService;
import dev.longvqa.contract.DecodeRequest;
import dev.longvqa.contract.Json;
import dev.longvqa.functions.JobStore;
import dev.longvqa.functions.ObjectStore;
import dev.longvqa.contract.PlanRequest;
import dev.longvqa.functions.PlanService;
import dev.longvqa.contract.RecordRequest;
import dev.longvqa.functions.RecordService;
import dev.longvqa.functions.RegisterService;
import dev.longvqa.contract.SegmentRequest;
import dev.longvqa.contract.WorkerEnv;
import dev.longvqa.functions.SegmentService;
import dev.longvqa.functions.Settings;
import dev.longvqa.functions.VideoAccess;
import dev.longvqa.worker.WorkerApp;
import dev.longvqa.worker.WorkerConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * The production pieces behind the local cloud: the same function services the Lambdas wrap
 * (called directly, no Quarkus), and the same GPU worker, on CPU, reaching the executor through
 * the Step Functions API.
 */
public final class LocalWiring {
    private static final System.Logger LOG = System.getLogger(LocalWiring.class.getName());

    private LocalWiring() {}

    /**
     * Each function of the template as its Lambda runs it: the handler its configuration selects
     * and the settings it reads from its environment ({@link FunctionConfig}), over the same
     * function services the Quarkus handlers wrap. A function whose configuration does not hold
     * (say, a variable the stack does not set) fails every invocation with that error, as in AWS.
     */
    public static LocalCloud.HandlerFactory functions(Path tmpDir) {
        return (fn, clients) -> {
            try {
                FunctionConfig config = FunctionConfig.of(fn.environment(), Map.of(Settings.TMP_DIR_PROPERTY, tmpDir.toString()));
                return handler(fn.name(), config.handler(), config.settings(), () -> FunctionConfig.api(fn.environment()), clients);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "function " + fn.name() + " cannot start: " + e.getMessage());
                return in -> {
                    throw e;
                };
            }
        };
    }

    /** The emulator's presigner: URLs a client on this machine can PUT and GET directly. */
    private static S3Presigner presigner(LocalCloud.EmulatorClients clients) {
        return S3Presigner.builder().endpointOverride(URI.create(clients.endpoints().s3()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    /**
     * The API function ({@code @Named("api")}): the API Gateway v2 event in, the response out,
     * over the same {@link dev.longvqa.functions.api.ApiService} the Lambda wraps; it starts the
     * answer-only workflow through the local Step Functions endpoint.
     */
    private static Function<JsonNode, JsonNode> api(String function, Settings settings, dev.longvqa.functions.api.ApiSettings api,
                                                    LocalCloud.EmulatorClients clients) {
        if (clients.sfn() == null) throw new IllegalStateException("function " + function + " needs the Step Functions endpoint");
        dev.longvqa.functions.api.ApiService service = new dev.longvqa.functions.api.ApiService(new dev.longvqa.functions.api.ApiDeps(
                new ObjectStore(clients.s3()), new JobStore(clients.dynamo(), settings.requireTable(), Clock.systemUTC()),
                clients.dynamo(), presigner(clients), clients.sfn(), settings, api, Clock.systemUTC()));
        return in -> {
            try {
                return Json.mapper().valueToTree(service.handle(Json.mapper().treeToValue(in, dev.longvqa.contract.api.HttpEvent.class)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new dev.longvqa.error.LongVqaException(dev.longvqa.error.ErrorCode.BAD_REQUEST,
                        "not an API Gateway payload v2 event: " + e.getOriginalMessage());
            }
        };
    }

    private static Function<JsonNode, JsonNode> handler(String function, String handler, Settings settings,
                                                        java.util.function.Supplier<dev.longvqa.functions.api.ApiSettings> api,
                                                        LocalCloud.EmulatorClients clients) {
        ObjectStore store = new ObjectStore(clients.s3());
        JobStore jobs = new JobStore(clients.dynamo(), settings.requireTable(), Clock.systemUTC());
        S3Presigner presigner = presigner(clients);
        VideoAccess access = new VideoAccess(store, presigner, settings);
        // The @Named handlers of the functions module (contract.Handler), each over its service.
        Handler named = Handler.byName(handler).orElseThrow(() -> new IllegalStateException("function " + function
                + " selects handler '" + handler + "', which the functions module does not have"));
        return switch (named) {
            case REGISTER -> guarded(handler, new RegisterService(store, jobs, settings)::register);
            case PLAN -> {
                PlanService plan = new PlanService(store, access, jobs, settings);
                yield guarded(handler, in -> plan.plan(read(in, PlanRequest.class)));
            }
            case DECODE_RANGE -> {
                DecodeRangeService decode = new DecodeRangeService(store, access, settings);
                yield guarded(handler, in -> decode.decode(read(in, DecodeRequest.class)));
            }
            case SEGMENT -> {
                SegmentService segment = new SegmentService(store, jobs, settings);
                yield guarded(handler, in -> segment.segment(read(in, SegmentRequest.class)));
            }
            case RECORD -> {
                RecordService record = new RecordService(store, jobs, settings);
                yield guarded(handler, in -> record.record(read(in, RecordRequest.class)));
            }
            case API -> api(function, settings, api.get(), clients);
        };
    }

    private static <T> T read(JsonNode in, Class<T> type) {
        try {
            return Json.mapper().treeToValue(in, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.longvqa.error.LongVqaException(dev.longvqa.error.ErrorCode.BAD_REQUEST,
                    "malformed " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    /** As the Lambda adapter does: SDK faults become typed (retryable) errors; results become JSON. */
    private static Function<JsonNode, JsonNode> guarded(String name, Function<JsonNode, ?> call) {
        return in -> {
            try {
                return Json.mapper().valueToTree(call.apply(in));
            } catch (SdkException e) {
                throw AwsFaults.classify(e, name);
            }
        };
    }

    /**
     * The model the worker uses. With none configured, or one that cannot load, the worker still
     * runs and fails each reasoning task with MODEL_UNAVAILABLE: jobs end FAILED with that reason
     * instead of waiting for a heartbeat timeout.
     */
    static dev.longvqa.reason.LanguageModel open(String spec) {
        return open(spec, reason -> { });
    }

    /** As {@link #open(String)}; {@code unavailable} hears once why the model cannot be used. */
    static dev.longvqa.reason.LanguageModel open(String spec, java.util.function.Consumer<String> unavailable) {
        dev.longvqa.error.LongVqaException why;
        try {
            if (spec != null && !spec.isBlank()) {
                return dev.longvqa.reason.backend.LanguageModels.fromSpec(spec, dev.longvqa.reason.backend.BackendOptions.builder().build());
            }
            why = new dev.longvqa.error.LongVqaException(dev.longvqa.error.ErrorCode.MODEL_UNAVAILABLE,
                    "no language model configured for the local worker: start it with ./longvqa local up --llm openai:http://HOST:PORT/v1 (or runtime:MODEL, gguf:PATH)");
        } catch (dev.longvqa.error.LongVqaException e) {
            why = e;
        }
        dev.longvqa.error.LongVqaException reason = why;
        unavailable.accept(why.getMessage());
        return new dev.longvqa.reason.LanguageModel() {
            @Override
            public String id() {
                return "unavailable";
            }

            @Override
            public String cacheId() {
                return "unavailable";
            }

            @Override
            public dev.longvqa.reason.Capabilities capabilities() {
                return dev.longvqa.reason.Capabilities.TEXT_ONLY;
            }

            @Override
            public dev.longvqa.reason.Completion complete(dev.longvqa.reason.Prompt prompt, dev.longvqa.reason.DecodingSettings generation) {
                throw new dev.longvqa.error.LongVqaException(reason.code(), reason.getMessage());
            }
        };
    }

    /**
     * The GPU worker in this JVM. {@code llmSpec} is a core model spec ({@code openai:URL},
     * {@code runtime:MODEL}, {@code gguf:PATH}); the worker runs the core LVCoT over it.
     */
    public static LocalCloud.WorkerFactory worker(String llmSpec) {
        return worker(llmSpec, reason -> { });
    }

    /** As {@link #worker(String)}; {@code unavailable} hears once, at start, why the model cannot be used. */
    public static LocalCloud.WorkerFactory worker(String llmSpec, java.util.function.Consumer<String> unavailable) {
        return worker(llmSpec, null, unavailable);
    }

    /** As {@link #worker(String)}, with the recogniser {@code asr} ({@code ask --asr}'s spec; null: the worker's default). */
    private static LocalCloud.WorkerFactory worker(String llmSpec, String asr, java.util.function.Consumer<String> unavailable) {
        return (container, clients) -> {
            WorkerConfig config = WorkerConfig.of(workerConfig(container, clients, asr));
            try {
                dev.longvqa.reason.LanguageModel model = open(llmSpec, unavailable);
                dev.longvqa.worker.LvcotEngine engine = new dev.longvqa.worker.LvcotEngine(model,
                        dev.longvqa.reason.LvcotSettings.builder().segmentMaxTokens(config.maxTokens()).build());
                return WorkerApp.start(config, engine, engine);
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        };
    }

    /**
     * The worker with the TDC compressor ({@code local up --tdc DIR}): the GPU worker's own start-up
     * ({@code WorkerModel}), so the model and the TDC directory are checked against each other
     * before the cloud comes up (a model that cannot take embeddings, or of another width, stops
     * it), and both passes send the TDC context as input embeddings.
     */
    public static LocalCloud.WorkerFactory worker(String llmSpec, java.nio.file.Path tdcDir, int tdcBudget) {
        return worker(llmSpec, tdcDir, tdcBudget, null, reason -> { });
    }

    /**
     * The worker as {@code local up} starts it: with the TDC compressor when {@code tdcDir} is set, and
     * the recogniser {@code asr} ({@code ask --asr}'s spec; null: the worker's default).
     */
    public static LocalCloud.WorkerFactory worker(String llmSpec, java.nio.file.Path tdcDir, int tdcBudget, String asr,
                                                  java.util.function.Consumer<String> unavailable) {
        if (tdcDir == null) return worker(llmSpec, asr, unavailable);
        if (llmSpec == null || llmSpec.isBlank()) {
            throw dev.longvqa.error.LongVqaException.badInput(dev.longvqa.error.ErrorCode.BAD_REQUEST,
                    "--tdc needs a model that takes input embeddings: --llm runtime:DIR or openai-embeds:URL");
        }
        return (container, clients) -> {
            Map<WorkerEnv, String> env = workerConfig(container, clients, asr);
            env.put(WorkerEnv.LLM, llmSpec);
            env.put(WorkerEnv.TDC, tdcDir.toString());
            env.put(WorkerEnv.TDC_BUDGET, Integer.toString(tdcBudget));
            WorkerConfig config = WorkerConfig.of(env);
            try {
                return WorkerApp.start(config);
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the worker", ex);
            }
        };
    }

    /**
     * The local worker's settings: what the worker reads from the container environment the
     * template gives it (queue, bucket, table, transcript source), then the emulators' endpoints, one slot, short waits.
     */
    private static Map<WorkerEnv, String> workerConfig(dev.longvqa.local.cloud.stack.Deployment.Container container, LocalCloud.EmulatorClients clients,
                                                       String asr) {
        LocalCloud.Endpoints e = clients.endpoints();
        WorkerConfig stack = WorkerConfig.fromEnvironment(container.environment());
        Map<WorkerEnv, String> env = WorkerConfig.values();
        env.put(WorkerEnv.TASK_QUEUE_URL, stack.queueUrl());
        stack.bucketName().ifPresent(b -> env.put(WorkerEnv.BUCKET, b));
        stack.jobsTableName().ifPresent(t -> env.put(WorkerEnv.TABLE, t));
        env.put(WorkerEnv.MAX_RECEIVE_COUNT, Integer.toString(stack.maxReceiveCount()));
        // the stack's transcript source (the local stack's: worker, the recogniser here)
        env.put(WorkerEnv.TRANSCRIPT, stack.transcriptSource().value());
        // the recogniser is the operator's choice, as for `ask`: up --asr, longvqa.asr (e.g. whisper:openai/whisper-base)
        if (asr != null && !asr.isBlank()) env.put(WorkerEnv.ASR, asr.strip());
        env.put(WorkerEnv.SQS_ENDPOINT, e.sqs());
        env.put(WorkerEnv.SFN_ENDPOINT, e.sfn());
        env.put(WorkerEnv.DYNAMODB_ENDPOINT, e.dynamodb());
        env.put(WorkerEnv.S3_ENDPOINT, e.s3());
        env.put(WorkerEnv.HEALTH_PORT, "0");
        env.put(WorkerEnv.CONCURRENCY, "1");
        env.put(WorkerEnv.WAIT_SECONDS, "1");
        env.put(WorkerEnv.SHUTDOWN_GRACE_SECONDS, "5");
        return env;
    }
}
