package dev.longvqa.local.cloud;

import dev.longvqa.contract.Json;
import dev.longvqa.emulators.S3Mock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.local.asl.AslExecutor;
import dev.longvqa.local.asl.Execution;
import dev.longvqa.local.cloud.stack.Deployment;
import dev.longvqa.local.cloud.stack.StackTemplate;
import dev.longvqa.local.events.S3ObjectCreated;
import dev.longvqa.local.sfn.StepFunctionsApiServer;
import dev.longvqa.local.asl.LambdaInvokeResource;
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

/**
 * The serverless workflow on one machine: dynalite (a node child process) and ElasticMQ (in-process), S3Mock as a
 * child process, the ASL file run by our executor whose Lambda tasks call the same function
 * services the Lambdas wrap, and the GPU worker (CPU mode) reaching the executor through the
 * Step Functions API, unchanged. Uploads under {@code videos/} start executions, as EventBridge
 * would.
 */
public final class LocalCloud implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalCloud.class.getName());

    /** Where everything listens; written to {@code endpoints.json} for the other {@code local} commands. */
    public record Endpoints(String s3, String dynamodb, String sqs, String sfn, String bucket, String table,
                            String queueUrl, String dlqUrl, String uploadPrefix, String api) {
        public static Endpoints read(Path file) throws java.io.IOException {
            return Json.mapper().readValue(file.toFile(), Endpoints.class);
        }
    }

    /** SDK clients pointed at the emulators. */
    public record EmulatorClients(S3Client s3, DynamoDbClient dynamo, SqsClient sqs, SfnClient sfn, Endpoints endpoints)
            implements AutoCloseable {
        public static EmulatorClients of(Endpoints e) {
            var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
            Region region = Region.US_EAST_1;
            return new EmulatorClients(
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

    /** Builds one Lambda function of the template (its environment as deployed) over the emulators. */
    @FunctionalInterface
    public interface HandlerFactory {
        Function<JsonNode, JsonNode> create(Deployment.LambdaFunction function, EmulatorClients clients);
    }

    /** Starts the GPU worker with the template's container environment against the emulators; closing it stops the worker. */
    @FunctionalInterface
    public interface WorkerFactory {
        AutoCloseable start(Deployment.Container container, EmulatorClients clients);
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Endpoints endpoints;
    private EmulatorClients clients;
    private AslExecutor executor;
    private BucketWatcher watcher;
    private Deployment deployment;
    private volatile LocalEventBus bus;
    /** Each function of the template as built over the emulators, by name. */
    private final Map<String, Function<JsonNode, JsonNode>> functions = new java.util.concurrent.ConcurrentHashMap<>();
    /** The API function (handler {@code api}), which {@code local up} serves over HTTP; null if the template has none. */
    private Function<JsonNode, JsonNode> apiFunction;
    /** Execution name → the object key that started it, for progress lines. */
    private final java.util.Map<String, String> uploads = new java.util.concurrent.ConcurrentHashMap<>();

    private LocalCloud() {}

    public static Builder builder() {
        return new Builder();
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public EmulatorClients clients() {
        return clients;
    }

    public AslExecutor executor() {
        return executor;
    }

    /** The template's API function as its Lambda runs it: an API Gateway payload v2 event in, a response out. */
    public Function<JsonNode, JsonNode> apiFunction() {
        return apiFunction;
    }

    /** Forces one look at the bucket (tests use it instead of waiting for the poll). */
    public void scanNow() {
        watcher.scan(true);
    }

    public Deployment deployment() {
        return deployment;
    }

    private void start(Builder b) throws Exception {
        Files.createDirectories(b.dataDir);
        JsonNode template = StackTemplate.read(b.template != null ? b.template : StackTemplate.synthesize(b.dataDir.resolve("cdk.out")));
        dev.longvqa.emulators.Dynalite dynamo = keep(Emulators.dynamoDb());
        Emulators.Sqs sqs = keep(Emulators.sqs());
        S3Mock s3 = keep(S3Mock.start(b.s3MockJar, b.dataDir.resolve("s3"), Duration.ofSeconds(120)));
        Endpoints bare = new Endpoints(s3.endpoint(), dynamo.endpoint().toString(), sqs.endpoint(), null, null, null, null, null, null, null);
        EmulatorClients noSfn = keep(EmulatorClients.of(bare));
        deployment = Deployment.deploy(template, noSfn.s3(), noSfn.dynamo(), noSfn.sqs());
        // the workflow is the state machine an upload rule starts; the others (the answer-only one) are started by the API
        Deployment.StateMachine machine = Deployment.single(deployment.stateMachines().stream()
                .filter(m -> deployment.rules().stream().anyMatch(r -> r.targetArns().contains(m.arn()))).toList(),
                "state machines started by an event rule");
        // the rule that starts the workflow on uploads (there may be others: the execution-status rule)
        Deployment.Rule rule = Deployment.single(deployment.rules().stream().filter(r -> r.targetArns().contains(machine.arn())).toList(),
                "event rules starting the state machine");
        Deployment.Container container = Deployment.single(deployment.containers(), "worker containers");
        Deployment.Bucket bucket = Deployment.single(deployment.buckets().stream().filter(Deployment.Bucket::eventBridge).toList(),
                "buckets sending events to EventBridge");
        String queueUrl;
        try {
            queueUrl = dev.longvqa.worker.WorkerConfig.fromEnvironment(container.environment()).queueUrl();
        } catch (RuntimeException e) {
            // exactly what the container would hit in AWS: say so instead of running something else
            throw new IllegalStateException("the worker cannot start with the environment the stack gives its container "
                    + container.environment().keySet() + ": " + e.getMessage(), e);
        }
        Deployment.Queue queue = deployment.queues().stream().filter(q -> q.url().equals(queueUrl)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the worker's queue " + queueUrl + " is not a queue of the template"));
        String dlqUrl = dlqOf(queue);

        // Each function is built once the Step Functions endpoint exists (the API function starts
        // executions through it); the executors call them through these slots.
        Map<String, java.util.concurrent.atomic.AtomicReference<Function<JsonNode, JsonNode>>> slots = new java.util.HashMap<>();
        for (Deployment.LambdaFunction fn : deployment.functions()) slots.put(fn.name(), new java.util.concurrent.atomic.AtomicReference<>());
        dev.longvqa.local.asl.TaskTokens tokens = new dev.longvqa.local.asl.TaskTokens();
        Map<String, LocalEventBus.Delivery> targets = new java.util.HashMap<>();
        List<AslExecutor> executors = new ArrayList<>();
        for (Deployment.StateMachine m : deployment.stateMachines()) {
            AslExecutor.Builder asl = AslExecutor.builder().definition(m.definition()).substitutions(m.substitutions())
                    .stateMachineName(m.name())
                    .taskTokens(tokens)
                    .lambdaCauseFormat(LambdaInvokeResource.CauseFormat.LAMBDA_JSON)
                    .resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(new SqsClientMessageSender(noSfn.sqs())))
                    .timeoutScale(b.timeoutScale)
                    .listener(progress(m.definition(), b.progress))
                    // Step Functions status changes go to the default bus, where the template's rules see them
                    .statusChanges(event -> {
                        LocalEventBus to = bus;
                        if (to != null) to.put(event);
                    });
            for (Deployment.LambdaFunction fn : deployment.functions()) {
                var slot = slots.get(fn.name());
                asl.lambda(fn.name(), in -> slot.get().apply(in));
            }
            AslExecutor built = keep(asl.build());
            executors.add(built);
            if (m == machine) executor = built;
        }
        for (Deployment.LambdaFunction fn : deployment.functions()) {
            var slot = slots.get(fn.name());
            targets.put(fn.arn(), input -> invokeAsync(fn, in -> slot.get().apply(in), input));
        }
        // named after the event, so progress lines can name the upload that started it
        targets.put(machine.arn(), input -> executor.start(input.path("id").asText(null), input));
        StepFunctionsApiServer api = keep(StepFunctionsApiServer.start(executors, 0));
        endpoints = new Endpoints(bare.s3(), bare.dynamodb(), bare.sqs(), api.endpoint().toString(), bucket.name(),
                Deployment.single(deployment.tables(), "tables").name(), queue.url(), dlqUrl, uploadPrefix(rule), null);
        clients = keep(EmulatorClients.of(endpoints));
        for (Deployment.LambdaFunction fn : deployment.functions()) {
            Function<JsonNode, JsonNode> handler = b.handlers.create(fn, clients);
            slots.get(fn.name()).set(handler);
            functions.put(fn.name(), handler);
        }
        apiFunction = deployment.functions().stream()
                .filter(fn -> dev.longvqa.contract.api.ApiRoutes.class != null
                        && dev.longvqa.contract.Handler.API.handlerName().equals(fn.environment().get(dev.longvqa.contract.FunctionEnv.HANDLER.variable())))
                .findFirst().map(fn -> functions.get(fn.name())).orElse(null);
        if (b.apiPort >= 0) {
            if (apiFunction == null) throw new IllegalStateException("the template has no API function (handler "
                    + dev.longvqa.contract.Handler.API.handlerName() + ") to serve");
            LocalApiServer server = keep(LocalApiServer.start(apiFunction, b.apiPort));
            endpoints = new Endpoints(endpoints.s3(), endpoints.dynamodb(), endpoints.sqs(), endpoints.sfn(), endpoints.bucket(),
                    endpoints.table(), endpoints.queueUrl(), endpoints.dlqUrl(), endpoints.uploadPrefix(), server.endpoint().toString());
        }
        if (b.worker != null) keep(b.worker.start(container, clients));
        bus = keep(new LocalEventBus(deployment.rules(), targets, dead -> deadLetter(noSfn.sqs(), dead), Duration.ofMillis(200)));
        watcher = keep(new BucketWatcher(clients.s3(), bucket.name(), this::onEvent).start(b.pollPeriod));
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(b.dataDir.resolve("endpoints.json").toFile(), endpoints);
    }

    private String dlqOf(Deployment.Queue queue) {
        String policy = queue.attributes().get("RedrivePolicy");
        if (policy == null) return null;
        try {
            String arn = Json.mapper().readTree(policy).path("deadLetterTargetArn").asText();
            return deployment.queues().stream().filter(q -> q.arn().equals(arn)).map(Deployment.Queue::url).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("redrive policy of " + queue.name() + " is not JSON: " + policy, e);
        }
    }

    /**
     * EventBridge invokes a Lambda target asynchronously: the delivery succeeds once Lambda has the
     * event, and a function error is retried by Lambda itself (twice, its default for asynchronous
     * invocations, about a minute then two apart; locally a second apart), then logged.
     */
    private void invokeAsync(Deployment.LambdaFunction fn, Function<JsonNode, JsonNode> handler, JsonNode input) {
        Thread.ofVirtual().name("lambda-async-" + fn.name()).start(() -> {
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    handler.apply(input);
                    return;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "function " + fn.name() + " failed on an event (attempt " + (attempt + 1) + " of 3): " + e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        });
    }

    /** As EventBridge does: the undelivered event as the body, why as message attributes. */
    private void deadLetter(SqsClient sqs, LocalEventBus.DeadLetter dead) {
        String url = deployment.queues().stream().filter(q -> q.arn().equals(dead.queueArn())).map(Deployment.Queue::url).findFirst()
                .orElseThrow(() -> new IllegalStateException("dead-letter queue " + dead.queueArn() + " is not a queue of the template"));
        java.util.function.Function<String, software.amazon.awssdk.services.sqs.model.MessageAttributeValue> text =
                v -> software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder().dataType("String").stringValue(v).build();
        sqs.sendMessage(m -> m.queueUrl(url).messageBody(dead.event().toString()).messageAttributes(Map.of(
                "RULE_ARN", text.apply(dead.ruleArn()), "TARGET_ARN", text.apply(dead.targetArn()),
                "ERROR_MESSAGE", text.apply(dead.error().length() > 256 ? dead.error().substring(0, 256) : dead.error()))));
    }

    /** The key prefix the rule matches on, shown to users and used by {@code local upload}'s default key. */
    private static String uploadPrefix(Deployment.Rule rule) {
        for (JsonNode m : rule.pattern().pattern().path("detail").path("object").path("key")) {
            if (m.has("prefix")) return m.get("prefix").asText();
        }
        return "";
    }

    /**
     * One line per top-level state a job enters, and one when it ends (with the error type if it
     * failed): what {@code local up} prints as jobs move. Map iterations stay quiet.
     */
    private java.util.function.BiConsumer<Execution, dev.longvqa.local.asl.HistoryEvent> progress(String definition,
                                                                                                java.util.function.Consumer<String> sink) {
        java.util.Set<String> stages = new java.util.HashSet<>();
        Deployment.readTreeOf(definition).path("States").fieldNames().forEachRemaining(stages::add);
        return (execution, e) -> {
            String job = uploads.getOrDefault(execution.name(), execution.name());
            String time = java.time.LocalTime.now().withNano(0).toString();
            if (e.type().endsWith("StateEntered") && stages.contains(e.stateName())) {
                sink.accept(time + "  " + job + "  " + e.stateName());
            } else if (e.type().equals("ExecutionSucceeded")) {
                sink.accept(time + "  " + job + "  SUCCEEDED");
            } else if (e.type().equals("ExecutionFailed") || e.type().equals("ExecutionTimedOut") || e.type().equals("ExecutionAborted")) {
                sink.accept(time + "  " + job + "  " + e.type().substring("Execution".length()).toUpperCase(java.util.Locale.ROOT)
                        + " " + e.details().path("error").asText("") + " " + shortCause(e.details().path("cause").asText("")));
            }
        };
    }

    /** A Lambda error's message without its stack trace, on one line. */
    private static String shortCause(String cause) {
        String text = cause;
        if (cause.startsWith("{")) {
            try {
                text = Json.mapper().readTree(cause).path("errorMessage").asText(cause);
            } catch (java.io.IOException notJson) {
                // keep it as it is
            }
        }
        text = text.replace('\n', ' ');
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** Every object event of the bucket goes to the bus; only a matching rule starts an execution, as in EventBridge. */
    private void onEvent(S3ObjectCreated event) {
        JsonNode json = event.toEventBridgeJson();
        uploads.put(json.get("id").asText(), event.key());
        if (bus.put(json) == 0) {
            uploads.remove(json.get("id").asText());
            LOG.log(System.Logger.Level.INFO, "event for " + event.key() + " matches no rule: nothing started");
        }
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
                LOG.log(System.Logger.Level.WARNING, "stopping " + resources.get(i) + ": " + e.getMessage());
            }
        }
        resources.clear();
    }

    public static final class Builder {
        private Path dataDir = Path.of(System.getProperty("user.home"), ".longvqa", "local");
        private Path template;
        private Path s3MockJar = Path.of("local", "target", "s3mock", "s3mock-exec.jar");
        private HandlerFactory handlers;
        private WorkerFactory worker;
        private Duration pollPeriod = Duration.ofMillis(500);
        private double timeoutScale = 1.0;
        private int apiPort = -1;
        private java.util.function.Consumer<String> progress = line -> { };

        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir);
            return this;
        }

        /** A synthesized CloudFormation template to deploy (default: synthesize the stack into the data directory). */
        public Builder template(Path file) {
            this.template = file;
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

        /**
         * Serves the template's API function over plain HTTP on 127.0.0.1:{@code port} (0: any free
         * port), as {@link LocalApiServer} does; without this call no API server runs.
         */
        public Builder api(int port) {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port);
            this.apiPort = port;
            return this;
        }

        /** Shrinks the ASL's TimeoutSeconds/HeartbeatSeconds (tests). */
        public Builder timeoutScale(double f) {
            this.timeoutScale = f;
            return this;
        }

        /** Receives one line per stage as jobs move (see {@code local up}). */
        public Builder progress(java.util.function.Consumer<String> sink) {
            this.progress = Objects.requireNonNull(sink);
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
