package dev.longvqa.local.asl;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one Amazon States Language state machine (JSONPath flavour) in this JVM: the local stand-in
 * for AWS Step Functions. Task resources are Java objects registered by ARN; task tokens are
 * answered through {@link #taskTokens()} (or the HTTP API in {@code dev.longvqa.local.sfn}).
 *
 * <pre>{@code
 * AslExecutor sfn = AslExecutor.builder()
 *     .definition(Files.readString(Path.of("statemachine/longvqa.asl.json")))
 *     .substitutions(Map.of("RegisterFunctionArn", "register", "TaskQueueUrl", queueUrl))
 *     .lambda("register", registerHandler)
 *     .resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(sender))
 *     .timeScale(0.01)
 *     .build();
 * Execution e = sfn.start("job-1", input);
 * ExecutionResult r = e.await(Duration.ofMinutes(1));
 * }</pre>
 */
public final class AslExecutor implements AutoCloseable {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.:-]+)}");
    private static final ObjectMapper JSON = Json.mapper();

    private final StateMachineDefinition definition;
    private final String stateMachineName;
    private final String stateMachineArn;
    private final String region;
    private final String accountId;
    private final Map<String, TaskResource> resources;
    private final LambdaInvokeResource lambdas;
    private final double timeScale;
    private final double timeoutScale;
    private final TaskTokens tokens;
    private final Clock clock;
    private final java.util.function.BiConsumer<Execution, HistoryEvent> listener;
    private final Consumer<ExecutionResult> statusListener;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;

    private AslExecutor(Builder b, StateMachineDefinition definition) {
        this.definition = definition;
        this.stateMachineName = b.stateMachineName;
        this.region = b.region;
        this.accountId = b.accountId;
        this.stateMachineArn = "arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + stateMachineName;
        this.lambdas = new LambdaInvokeResource(b.lambdaCause);
        b.lambdas.forEach(lambdas::register);
        Map<String, TaskResource> r = new LinkedHashMap<>(b.resources);
        if (!lambdas.functionNames().isEmpty()) r.putIfAbsent(LambdaInvokeResource.ARN, lambdas);
        this.resources = Map.copyOf(r);
        this.timeScale = b.timeScale;
        this.timeoutScale = b.timeoutScale;
        this.tokens = b.tokens != null ? b.tokens : new TaskTokens();
        this.clock = b.clock;
        this.listener = b.listener;
        Consumer<JsonNode> changes = b.statusChanges;
        this.statusListener = snapshot -> changes.accept(ExecutionStatusChange.event(snapshot, stateMachineArn, region, accountId));
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("asl-timers").factory());
    }

    public static Builder builder() {
        return new Builder();
    }

    public StateMachineDefinition definition() {
        return definition;
    }

    public String stateMachineArn() {
        return stateMachineArn;
    }

    public String stateMachineName() {
        return stateMachineName;
    }

    public String region() {
        return region;
    }

    public TaskTokens taskTokens() {
        return tokens;
    }

    double timeScale() {
        return timeScale;
    }

    double timeoutScale() {
        return timeoutScale;
    }

    Clock clock() {
        return clock;
    }

    /**
     * Starts an execution. {@code name} may be null (a UUID is used). As on AWS, starting a name
     * that is still RUNNING with the same input returns that execution; any other reuse of a name
     * is {@link ExecutionAlreadyExistsException}.
     */
    public Execution start(String name, JsonNode input) {
        String execName = name == null || name.isBlank() ? UUID.randomUUID().toString() : name;
        JsonNode in = input == null ? JSON.createObjectNode() : input.deepCopy();
        String arn = "arn:aws:states:" + region + ":" + accountId + ":execution:" + stateMachineName + ":" + execName;
        Execution fresh = new Execution(arn, execName, stateMachineArn, in, clock, listener, statusListener);
        Execution existing = executions.putIfAbsent(arn, fresh);
        if (existing != null) {
            if (existing.status() == ExecutionStatus.RUNNING && existing.input().equals(in)) return existing;
            throw new ExecutionAlreadyExistsException("Execution Already Exists: '" + arn + "'");
        }
        Interpreter interpreter = new Interpreter(this, fresh);
        Thread t = Thread.ofVirtual().name("asl-" + execName).unstarted(interpreter::runExecution);
        fresh.attach(t);
        if (definition.timeoutSeconds() != null) {
            long ms = Math.max(1, Math.round(definition.timeoutSeconds() * 1000 * timeoutScale));
            timers.schedule(fresh::timeOut, ms, TimeUnit.MILLISECONDS);
        }
        fresh.statusChanged(fresh.describe());
        t.start();
        return fresh;
    }

    /** Thrown by {@link #start} for a name already used. */
    public static final class ExecutionAlreadyExistsException extends RuntimeException {
        public ExecutionAlreadyExistsException(String message) {
            super(message);
        }
    }

    public Execution execution(String executionArn) {
        return executions.get(executionArn);
    }

    /** All executions, newest first (ListExecutions order). */
    public List<Execution> executions() {
        List<Execution> all = new ArrayList<>(executions.values());
        all.sort((a, b) -> b.startDate().compareTo(a.startDate()));
        return all;
    }

    /** The resource registered for {@code arn} (without integration suffix), or null. */
    TaskResource resource(String arn) {
        TaskResource r = resources.get(arn);
        if (r == null && arn.startsWith("arn:aws:lambda:") && !lambdas.functionNames().isEmpty()) {
            // the legacy form: Resource is the function ARN itself, result not wrapped
            return lambdas.direct(arn);
        }
        return r;
    }

    Collection<String> resourceArns() {
        return resources.keySet();
    }

    void schedule(Runnable r, long delayMs) {
        timers.schedule(r, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Aborts every running execution and stops the timer thread. */
    @Override
    public void close() {
        executions.values().forEach(e -> e.stop("Local.Shutdown", "the local executor was closed"));
        timers.shutdownNow();
    }

    /** Replaces {@code ${Name}} in every string value of the definition; unknown names fail. */
    static JsonNode substitute(JsonNode node, Map<String, String> values, TreeSet<String> missing) {
        if (node instanceof TextNode t) {
            Matcher m = PLACEHOLDER.matcher(t.asText());
            if (!m.find()) return node;
            m.reset();
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String v = values.get(m.group(1));
                if (v == null) {
                    missing.add(m.group(1));
                    v = m.group();
                }
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            return TextNode.valueOf(out.toString());
        }
        if (node instanceof ObjectNode obj) {
            ObjectNode out = obj.objectNode();
            for (Map.Entry<String, JsonNode> e : obj.properties()) out.set(e.getKey(), substitute(e.getValue(), values, missing));
            return out;
        }
        if (node instanceof ArrayNode arr) {
            ArrayNode out = arr.arrayNode();
            arr.forEach(n -> out.add(substitute(n, values, missing)));
            return out;
        }
        return node;
    }

    /** Configuration; every setting has a default except the definition. */
    public static final class Builder {
        private JsonNode definitionJson;
        private final Map<String, String> substitutions = new LinkedHashMap<>();
        private String stateMachineName = "longvqa";
        private String region = "us-east-1";
        private String accountId = "000000000000";
        private final Map<String, TaskResource> resources = new LinkedHashMap<>();
        private final Map<String, Function<JsonNode, JsonNode>> lambdas = new LinkedHashMap<>();
        private LambdaInvokeResource.CauseFormat lambdaCause = LambdaInvokeResource.CauseFormat.MESSAGE;
        private double timeScale = 1.0;
        private double timeoutScale = 1.0;
        private TaskTokens tokens;
        private Clock clock = Clock.systemUTC();
        private java.util.function.BiConsumer<Execution, HistoryEvent> listener = (x, e) -> { };
        private Consumer<JsonNode> statusChanges = e -> { };

        private Builder() {}

        public Builder definition(String json) {
            try {
                return definition(JSON.readTree(json));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the definition is not JSON: " + e.getOriginalMessage(), e);
            }
        }

        public Builder definition(JsonNode json) {
            this.definitionJson = Objects.requireNonNull(json, "definition");
            return this;
        }

        /** DefinitionSubstitutions: {@code ${Key}} in string values becomes the value. */
        public Builder substitutions(Map<String, String> values) {
            substitutions.putAll(values);
            return this;
        }

        public Builder substitution(String key, String value) {
            substitutions.put(key, value);
            return this;
        }

        public Builder stateMachineName(String name) {
            this.stateMachineName = Objects.requireNonNull(name);
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId);
            return this;
        }

        /** Registers a resource under its ARN without {@code .waitForTaskToken}. */
        public Builder resource(String arn, TaskResource resource) {
            resources.put(arn, Objects.requireNonNull(resource));
            return this;
        }

        /** One resource under several ARNs . */
        public Builder resource(Collection<String> arns, TaskResource resource) {
            arns.forEach(a -> resource(a, resource));
            return this;
        }

        /**
         * Registers a Lambda function for {@code arn:aws:states:::lambda:invoke} (and the legacy
         * function-ARN resource). {@code name} is matched against FunctionName with any ARN
         * prefix and version/alias qualifier removed.
         */
        public Builder lambda(String name, Function<JsonNode, JsonNode> function) {
            lambdas.put(name, Objects.requireNonNull(function));
            return this;
        }

        /**
         * What a failing Lambda puts in Cause: its message (default), or the Lambda error JSON
         * {@code {"errorMessage", "errorType", "stackTrace"}} as on AWS, to test handlers that
         * parse it.
         */
        public Builder lambdaCauseFormat(LambdaInvokeResource.CauseFormat format) {
            this.lambdaCause = Objects.requireNonNull(format);
            return this;
        }

        /** Multiplies Retry intervals and Wait durations (e.g. 0.01 in tests). */
        public Builder timeScale(double factor) {
            if (!(factor >= 0)) throw new IllegalArgumentException("timeScale must be >= 0");
            this.timeScale = factor;
            return this;
        }

        /**
         * Multiplies TimeoutSeconds and HeartbeatSeconds (state and execution). Separate from
         * {@link #timeScale} because a real worker's heartbeat period does not shrink.
         */
        public Builder timeoutScale(double factor) {
            if (!(factor > 0)) throw new IllegalArgumentException("timeoutScale must be > 0");
            this.timeoutScale = factor;
            return this;
        }

        /** Shares one token registry between executors (one API endpoint for several machines). */
        public Builder taskTokens(TaskTokens tokens) {
            this.tokens = tokens;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Called for every history event as it happens (progress output, logs). */
        public Builder listener(java.util.function.BiConsumer<Execution, HistoryEvent> listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Receives the "Step Functions Execution Status Change" event ({@link ExecutionStatusChange})
         * AWS would put on the default event bus: when an execution starts (RUNNING) and when it
         * ends (SUCCEEDED, FAILED, TIMED_OUT, ABORTED). The local event bus routes it to the rules.
         */
        public Builder statusChanges(Consumer<JsonNode> bus) {
            this.statusChanges = Objects.requireNonNull(bus);
            return this;
        }

        public AslExecutor build() {
            if (definitionJson == null) throw new IllegalStateException("definition is required");
            TreeSet<String> missing = new TreeSet<>();
            JsonNode substituted = substitute(definitionJson, substitutions, missing);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("the definition uses substitutions with no value: " + missing);
            }
            return new AslExecutor(this, StateMachineDefinition.parse(substituted));
        }
    }
}
