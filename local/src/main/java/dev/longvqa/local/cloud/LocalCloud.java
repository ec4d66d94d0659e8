package dev.longvqa.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.local.asl.AslExecutor;
import dev.longvqa.local.asl.Execution;
import dev.longvqa.local.events.S3ObjectCreated;
import dev.longvqa.local.sfn.StepFunctionsApiServer;
import dev.longvqa.local.tasks.LambdaInvokeResource;
import dev.longvqa.local.tasks.SqsClientMessageSender;
import dev.longvqa.local.tasks.SqsSendMessageResource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The serverless workflow on one machine: dynalite (a node child process) and ElasticMQ (in-process), S3Mock as a
 * child process, the ASL file run by our executor whose Lambda tasks call the same function
 * services the Lambdas wrap, and the GPU worker (CPU mode) reaching the executor through the
 * Step Functions API, unchanged. Uploads under {@code videos/} start executions, as EventBridge
 * would.
 */
public final class LocalCloud implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalCloud.class.getName());
    public static final String BUCKET = "longvqa-local";
    public static final String TABLE = "longvqa-jobs";
    public static final String QUEUE = "longvqa-tasks";
    public static final String PREFIX = "videos/";

    /** Where everything listens; written to {@code endpoints.json} for the other {@code local} commands. */
    public record Endpoints(String s3, String dynamodb, String sqs, String sfn, String bucket, String table,
                            String queueUrl, String dlqUrl) {
        public static Endpoints read(Path file) throws java.io.IOException {
            return new ObjectMapper().readValue(file.toFile(), Endpoints.class);
        }
    }

    /** SDK clients pointed at the emulators. */
    public record Clients(S3Client s3, DynamoDbClient dynamo, SqsClient sqs, SfnClient sfn, Endpoints endpoints)
            implements AutoCloseable {
        public static Clients of(Endpoints e) {
            var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
            Region region = Region.US_EAST_1;
            return new Clients(
                    S3Client.builder().endpointOverride(URI.create(e.s3())).forcePathStyle(true).region(region).credentialsProvider(creds).build(),
                    DynamoDbClient.builder().endpointOverride(URI.create(e.dynamodb())).region(region).credentialsProvider(creds).build(),
                    SqsClient.builder().endpointOverride(URI.create(e.sqs())).region(region).credentialsProvider(creds).build(),
                    e.sfn() == null ? null : SfnClient.builder().endpointOverride(URI.create(e.sfn())).region(region).credentialsProvider(creds).build(),
                    e);
        }

        @Override
        public void close() {
            s3.close();
            dynamo.close();
            sqs.close();
            if (sfn != null) sfn.close();
        }
    }

    /** Builds the Lambda functions by name ({@code register}, {@code plan}, ...) over the emulators. */
    @FunctionalInterface
    public interface HandlerFactory {
        Map<String, Function<JsonNode, JsonNode>> create(Clients clients);
    }

    /** Starts the GPU worker against the emulators; closing it stops the worker. */
    @FunctionalInterface
    public interface WorkerFactory {
        AutoCloseable start(Clients clients);
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Endpoints endpoints;
    private Clients clients;
    private AslExecutor executor;
    private BucketWatcher watcher;

    private LocalCloud() {}

    public static Builder builder() {
        return new Builder();
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public Clients clients() {
        return clients;
    }

    public AslExecutor executor() {
        return executor;
    }

    /** Forces one look at the bucket (tests use it instead of waiting for the poll). */
    public void scanNow() {
        watcher.scan(true);
    }

    private void start(Builder b) throws Exception {
        Files.createDirectories(b.dataDir);
        dev.longvqa.emulators.Dynalite dynamo = keep(Emulators.dynamoDb());
        Emulators.Sqs sqs = keep(Emulators.sqs());
        S3MockProcess s3 = keep(S3MockProcess.start(b.s3MockJar, b.dataDir.resolve("s3"), Duration.ofSeconds(120)));
        Endpoints pre = new Endpoints(s3.endpoint(), dynamo.endpoint().toString(), sqs.endpoint(), null, BUCKET, TABLE, null, null);
        try (Clients setup = Clients.of(pre)) {
            if (setup.s3().listBuckets().buckets().stream().noneMatch(x -> x.name().equals(BUCKET))) {
                setup.s3().createBucket(r -> r.bucket(BUCKET));
            }
            setup.dynamo().createTable(r -> r.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(KeySchemaElement.builder().attributeName("jobId").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("jobId").attributeType(ScalarAttributeType.S).build()));
            String dlq = setup.sqs().createQueue(r -> r.queueName(QUEUE + "-dlq")).queueUrl();
            String dlqArn = setup.sqs().getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String queue = setup.sqs().createQueue(r -> r.queueName(QUEUE).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(b.visibilityTimeoutSec),
                    QueueAttributeName.REDRIVE_POLICY, "{\"maxReceiveCount\":\"3\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}"))).queueUrl();
            pre = new Endpoints(pre.s3(), pre.dynamodb(), pre.sqs(), null, BUCKET, TABLE, queue, dlq);
        }
        Clients noSfn = keep(Clients.of(pre));
        AslExecutor.Builder asl = AslExecutor.builder().definition(Files.readString(b.aslFile))
                .substitutions(Map.of("RegisterFunctionArn", "register", "PlanFunctionArn", "plan",
                        "DecodeRangeFunctionArn", "decode-range", "SegmentFunctionArn", "segment",
                        "RecordFunctionArn", "record", "TaskQueueUrl", pre.queueUrl(), "BucketName", BUCKET,
                        "JobsTableName", TABLE))
                .lambdaCauseFormat(LambdaInvokeResource.CauseFormat.LAMBDA_JSON)
                .resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(new SqsClientMessageSender(noSfn.sqs())))
                .timeoutScale(b.timeoutScale);
        b.handlers.create(noSfn).forEach(asl::lambda);
        executor = keep(asl.build());
        StepFunctionsApiServer api = keep(StepFunctionsApiServer.start(executor, 0));
        endpoints = new Endpoints(pre.s3(), pre.dynamodb(), pre.sqs(), api.endpoint().toString(), BUCKET, TABLE,
                pre.queueUrl(), pre.dlqUrl());
        clients = keep(Clients.of(endpoints));
        if (b.worker != null) keep(b.worker.start(clients));
        S3ObjectCreated.Rule rule = new S3ObjectCreated.Rule(BUCKET, PREFIX);
        watcher = keep(new BucketWatcher(clients.s3(), rule, this::onUpload).start(b.pollPeriod));
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(b.dataDir.resolve("endpoints.json").toFile(), endpoints);
    }

    private void onUpload(S3ObjectCreated event) {
        JsonNode json = event.toEventBridgeJson();
        String name = json.get("id").asText();
        Execution e = executor.start(name, json);
        LOG.info("upload " + event.key() + " -> execution " + e);
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warning("stopping " + resources.get(i) + ": " + e.getMessage());
            }
        }
        resources.clear();
    }

    public static final class Builder {
        private Path dataDir = Path.of(System.getProperty("user.home"), ".longvqa", "local");
        private Path aslFile = Path.of("statemachine", "longvqa.asl.json");
        private Path s3MockJar = Path.of("local", "target", "s3mock", "s3mock-exec.jar");
        private HandlerFactory handlers;
        private WorkerFactory worker;
        private Duration pollPeriod = Duration.ofMillis(500);
        private int visibilityTimeoutSec = 120;
        private double timeoutScale = 1.0;

        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir);
            return this;
        }

        public Builder aslFile(Path file) {
            this.aslFile = Objects.requireNonNull(file);
            return this;
        }

        public Builder s3MockJar(Path jar) {
            this.s3MockJar = Objects.requireNonNull(jar);
            return this;
        }

        public Builder handlers(HandlerFactory f) {
            this.handlers = Objects.requireNonNull(f);
            return this;
        }

        public Builder worker(WorkerFactory f) {
            this.worker = f;
            return this;
        }

        public Builder pollPeriod(Duration d) {
            this.pollPeriod = Objects.requireNonNull(d);
            return this;
        }

        public Builder visibilityTimeoutSec(int s) {
            this.visibilityTimeoutSec = s;
            return this;
        }

        /** Shrinks the ASL's TimeoutSeconds/HeartbeatSeconds (tests). */
        public Builder timeoutScale(double f) {
            this.timeoutScale = f;
            return this;
        }

        public LocalCloud build() throws Exception {
            return start();
        }

        public LocalCloud start() throws Exception {
            Objects.requireNonNull(handlers, "handlers");
            LocalCloud cloud = new LocalCloud();
            try {
                cloud.start(this);
                return cloud;
            } catch (Exception e) {
                cloud.close();
                throw e;
            }
        }
    }
}
