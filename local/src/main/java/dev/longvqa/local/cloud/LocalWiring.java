package dev.longvqa.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.functions.AwsFaults;
import dev.longvqa.functions.DecodeRangeService;
import dev.longvqa.functions.DecodeRequest;
import dev.longvqa.functions.JobStore;
import dev.longvqa.functions.ObjectStore;
import dev.longvqa.functions.PlanRequest;
import dev.longvqa.functions.PlanService;
import dev.longvqa.functions.RecordRequest;
import dev.longvqa.functions.RecordService;
import dev.longvqa.functions.RegisterService;
import dev.longvqa.functions.SegmentRequest;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The production pieces behind the local cloud: the same function services the Lambdas wrap
 * (called directly, no Quarkus), and the same GPU worker, on CPU, reaching the executor through
 * the Step Functions API.
 */
public final class LocalWiring {
    private LocalWiring() {}

    public static LocalCloud.HandlerFactory functions(Path tmpDir) {
        return clients -> {
            Settings settings = Settings.defaults(clients.endpoints().bucket(), clients.endpoints().table()).withTmpDir(tmpDir);
            ObjectStore store = new ObjectStore(clients.s3());
            JobStore jobs = new JobStore(clients.dynamo(), clients.endpoints().table(), Clock.systemUTC());
            S3Presigner presigner = S3Presigner.builder().endpointOverride(URI.create(clients.endpoints().s3()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                    .build();
            VideoAccess access = new VideoAccess(store, presigner, settings);
            RegisterService register = new RegisterService(store, jobs, settings);
            PlanService plan = new PlanService(store, access, jobs, settings);
            DecodeRangeService decode = new DecodeRangeService(store, access, settings);
            SegmentService segment = new SegmentService(store, jobs, settings);
            RecordService record = new RecordService(store, jobs, settings);
            Map<String, Function<JsonNode, JsonNode>> fns = new LinkedHashMap<>();
            fns.put("register", guarded("register", register::register));
            fns.put("plan", guarded("plan", in -> plan.plan(read(in, PlanRequest.class))));
            fns.put("decode-range", guarded("decode-range", in -> decode.decode(read(in, DecodeRequest.class))));
            fns.put("segment", guarded("segment", in -> segment.segment(read(in, SegmentRequest.class))));
            fns.put("record", guarded("record", in -> record.record(read(in, RecordRequest.class))));
            return fns;
        };
    }

    private static <T> T read(JsonNode in, Class<T> type) {
        try {
            return ObjectStore.JSON.treeToValue(in, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.longvqa.pipeline.LongVqaException(dev.longvqa.pipeline.ErrorCode.BAD_REQUEST,
                    "malformed " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    /** As the Lambda adapter does: SDK faults become typed (retryable) errors; results become JSON. */
    private static Function<JsonNode, JsonNode> guarded(String name, Function<JsonNode, ?> call) {
        return in -> {
            try {
                return ObjectStore.JSON.valueToTree(call.apply(in));
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
        dev.longvqa.pipeline.LongVqaException why;
        try {
            if (spec != null && !spec.isBlank()) {
                return dev.longvqa.reason.backend.LanguageModels.fromSpec(spec, dev.longvqa.reason.backend.BackendOptions.builder().build());
            }
            why = new dev.longvqa.pipeline.LongVqaException(dev.longvqa.pipeline.ErrorCode.MODEL_UNAVAILABLE,
                    "no language model configured for the local worker: start it with ./longvqa local up --llm openai:http://HOST:PORT/v1 (or runtime:MODEL, gguf:PATH)");
        } catch (dev.longvqa.pipeline.LongVqaException e) {
            why = e;
        }
        dev.longvqa.pipeline.LongVqaException reason = why;
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
            public dev.longvqa.reason.Completion complete(dev.longvqa.reason.Prompt prompt, dev.longvqa.reason.Generation generation) {
                throw new dev.longvqa.pipeline.LongVqaException(reason.code(), reason.getMessage());
            }
        };
    }

    /**
     * The GPU worker in this JVM. {@code llmSpec} is a core model spec ({@code openai:URL},
     * {@code runtime:MODEL}, {@code gguf:PATH}); the worker runs the core LVCoT over it.
     */
    public static LocalCloud.WorkerFactory worker(String llmSpec) {
        return clients -> {
            WorkerConfig config = workerConfig(clients).build();
            try {
                dev.longvqa.reason.LanguageModel model = open(llmSpec);
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
        if (tdcDir == null) return worker(llmSpec);
        if (llmSpec == null || llmSpec.isBlank()) {
            throw dev.longvqa.pipeline.LongVqaException.badInput(dev.longvqa.pipeline.ErrorCode.BAD_REQUEST,
                    "--tdc needs a model that takes input embeddings: --llm runtime:DIR or openai-embeds:URL");
        }
        return clients -> {
            WorkerConfig config = workerConfig(clients).llmSpec(llmSpec).tdcDir(tdcDir).tdcBudget(tdcBudget).build();
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

    /** The local worker's settings: the emulators' endpoints, one slot, short waits. */
    private static WorkerConfig.Builder workerConfig(LocalCloud.Clients clients) {
        LocalCloud.Endpoints e = clients.endpoints();
        return WorkerConfig.builder().queueUrl(e.queueUrl()).bucket(e.bucket()).jobsTable(e.table())
                .sqsEndpoint(URI.create(e.sqs())).sfnEndpoint(URI.create(e.sfn())).dynamoEndpoint(URI.create(e.dynamodb()))
                .s3Endpoint(URI.create(e.s3())).healthPort(0).concurrency(1).waitTimeSeconds(1)
                .maxReceiveCount(3).shutdownGrace(Duration.ofSeconds(5));
    }
}
