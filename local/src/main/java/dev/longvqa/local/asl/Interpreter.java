package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.error.LongVqaException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Walks one execution through its states. Every blocking point (task calls, callbacks, Wait,
 * Retry back-off, Map joins) is interruptible: StopExecution and the execution timeout
 * interrupt the execution's thread, and the joins pass that on to iteration threads.
 */
final class Interpreter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final AslExecutor executor;
    private final Execution execution;

    Interpreter(AslExecutor executor, Execution execution) {
        this.executor = executor;
        this.execution = execution;
    }

    /** Where a sub-machine runs: the Map item it serves (if any) and its last event id. */
    private static final class Scope {
        final int mapIndex;
        final JsonNode mapValue;
        long lastEvent;

        Scope(int mapIndex, JsonNode mapValue, long lastEvent) {
            this.mapIndex = mapIndex;
            this.mapValue = mapValue;
            this.lastEvent = lastEvent;
        }
    }

    private record Transition(JsonNode output, String next) {}

    void runExecution() {
        Scope root = new Scope(-1, null, 0);
        ObjectNode started = F.objectNode().put("input", execution.input().toString()).put("roleArn", "arn:aws:iam::"
                + "000000000000:role/local");
        root.lastEvent = execution.record("ExecutionStarted", started, 0);
        try {
            JsonNode out = runMachine(executor.definition(), execution.input(), root);
            execution.finish(ExecutionStatus.SUCCEEDED, out, null, null, "ExecutionSucceeded",
                    F.objectNode().put("output", out.toString()));
        } catch (StatesError e) {
            fail(e.error(), e.cause());
        } catch (InterruptedException e) {
            // stop() or timeOut() already set the terminal status; nothing else interrupts us
            fail("Local.Interrupted", "the execution thread was interrupted");
        } catch (RuntimeException e) {
            fail(StatesError.WellKnown.RUNTIME, e.toString());
        } catch (Error e) {
            // end the execution so nobody waits forever on it, then let the JVM see the Error
            fail(StatesError.WellKnown.RUNTIME, e.toString());
            throw e;
        }
    }

    private void fail(String error, String cause) {
        ObjectNode d = F.objectNode().put("error", error);
        if (cause != null) d.put("cause", cause);
        execution.finish(ExecutionStatus.FAILED, null, error, cause, "ExecutionFailed", d);
    }

    private JsonNode runMachine(StateMachineDefinition machine, JsonNode input, Scope frame) throws InterruptedException {
        String name = machine.startAt();
        JsonNode data = input;
        while (true) {
            if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
            StateSpec s = machine.states().get(name);
            Transition step = runState(s, data, frame);
            if (step.next() == null) return step.output();
            name = step.next();
            data = step.output();
        }
    }

    private void event(Scope frame, String type, ObjectNode details) {
        long id = execution.record(type, details, frame.lastEvent);
        if (id > 0) frame.lastEvent = id;
    }

    private ObjectNode context(StateSpec s, Instant entered, int retryCount, String token, Scope frame) {
        ObjectNode ctx = F.objectNode();
        ObjectNode ex = ctx.putObject("Execution");
        ex.put("Id", execution.arn());
        ex.set("Input", execution.input());
        ex.put("Name", execution.name());
        ex.put("RoleArn", "arn:aws:iam::000000000000:role/local");
        ex.put("StartTime", execution.startDate().toString());
        ex.put("RedriveCount", 0);
        ctx.putObject("StateMachine").put("Id", executor.stateMachineArn()).put("Name", executor.stateMachineName());
        ctx.putObject("State").put("EnteredTime", entered.toString()).put("Name", s.name()).put("RetryCount", retryCount);
        if (token != null) ctx.putObject("Task").put("Token", token);
        if (frame.mapIndex >= 0) {
            ctx.putObject("Map").putObject("Item").put("Index", frame.mapIndex).set("Value", frame.mapValue);
        }
        return ctx;
    }

    private Transition runState(StateSpec s, JsonNode raw, Scope frame) throws InterruptedException {
        Instant entered = executor.clock().instant();
        event(frame, s.type() + "StateEntered", F.objectNode().put("name", s.name()).put("input", raw.toString()));
        ObjectNode ctx = context(s, entered, 0, null, frame);
        String next = s.next();
        JsonNode output;
        switch (s.type()) {
            case "Pass" -> {
                JsonNode eff = inputPath(s, raw, ctx);
                if (s.has("Parameters")) eff = PayloadTemplate.apply(s.get("Parameters"), eff, ctx);
                JsonNode result = s.has("Result") ? s.get("Result") : eff;
                output = outputPath(s, resultPath(s, raw, result), ctx);
            }
            case "Succeed" -> output = outputPath(s, inputPath(s, raw, ctx), ctx);
            case "Fail" -> throw fail(s, raw, ctx);
            case "Choice" -> {
                JsonNode eff = inputPath(s, raw, ctx);
                next = choose(s, eff, ctx);
                output = outputPath(s, eff, ctx);
            }
            case "Wait" -> {
                JsonNode eff = inputPath(s, raw, ctx);
                waitFor(s, eff, ctx);
                output = outputPath(s, eff, ctx);
            }
            case "Task", "Map" -> {
                // a caught error continues at the Catch's Next with output built from the raw input
                Transition step = withRetry(s, raw, frame, entered);
                output = step.output();
                next = step.next();
            }
            default -> throw StatesError.runtime("unsupported state type " + s.type());
        }
        event(frame, s.type() + "StateExited", F.objectNode().put("name", s.name()).put("output", output.toString()));
        return new Transition(output, next);
    }

    private StatesError fail(StateSpec s, JsonNode raw, JsonNode ctx) {
        String error = s.has("ErrorPath") ? readPath(s.get("ErrorPath").asText(), raw, ctx).asText()
                : s.has("Error") ? s.get("Error").asText() : "States.Fail";
        String cause = s.has("CausePath") ? readPath(s.get("CausePath").asText(), raw, ctx).asText()
                : s.has("Cause") ? s.get("Cause").asText() : null;
        return new StatesError(error, cause);
    }

    private static JsonNode readPath(String path, JsonNode data, JsonNode ctx) {
        JsonPath p = JsonPath.parse(path);
        return p.read(p.context() ? ctx : data);
    }

    /** InputPath: absent = $, null = {} (the spec's "discard the input"). */
    private static JsonNode inputPath(StateSpec s, JsonNode raw, JsonNode ctx) {
        JsonNode p = s.get("InputPath");
        if (p == null) return raw;
        if (p.isNull()) return F.objectNode();
        return readPath(p.asText(), raw, ctx);
    }

    private static JsonNode outputPath(StateSpec s, JsonNode data, JsonNode ctx) {
        JsonNode p = s.get("OutputPath");
        if (p == null) return data;
        if (p.isNull()) return F.objectNode();
        return readPath(p.asText(), data, ctx);
    }

    /** ResultPath: absent = $ (result replaces input), null = keep input, else merge into a copy. */
    private static JsonNode resultPath(StateSpec s, JsonNode raw, JsonNode result) {
        JsonNode p = s.get("ResultPath");
        if (p == null) return result;
        if (p.isNull()) return raw;
        return JsonPath.parse(p.asText()).write(raw, result);
    }

    private String choose(StateSpec s, JsonNode eff, JsonNode ctx) {
        for (JsonNode rule : s.get("Choices")) {
            if (ChoiceRules.matches(rule, eff, ctx)) return rule.get("Next").asText();
        }
        if (s.has("Default")) return s.get("Default").asText();
        throw new StatesError(StatesError.WellKnown.NO_CHOICE_MATCHED,
                "No Choice rule matched and no Default in state '" + s.name() + "'");
    }

    private void waitFor(StateSpec s, JsonNode eff, JsonNode ctx) throws InterruptedException {
        double seconds;
        if (s.has("Seconds")) seconds = s.get("Seconds").asDouble();
        else if (s.has("SecondsPath")) {
            JsonNode v = readPath(s.get("SecondsPath").asText(), eff, ctx);
            if (!v.isNumber() || v.asDouble() < 0) throw StatesError.runtime("SecondsPath must give a non-negative number, got " + v);
            seconds = v.asDouble();
        } else {
            JsonNode ts = s.has("Timestamp") ? s.get("Timestamp") : readPath(s.get("TimestampPath"), eff, ctx);
            OffsetDateTime until = ChoiceRules.timestamp(ts);
            if (until == null) throw StatesError.runtime("Wait state '" + s.name() + "': not a timestamp: " + ts);
            seconds = Math.max(0, Duration.between(executor.clock().instant(), until.toInstant()).toMillis() / 1000.0);
        }
        sleepScaled(seconds, executor.timeScale());
    }

    private static JsonNode readPath(JsonNode pathNode, JsonNode eff, JsonNode ctx) {
        if (pathNode == null || !pathNode.isTextual()) throw StatesError.runtime("Wait needs Seconds, SecondsPath, Timestamp or TimestampPath");
        return readPath(pathNode.asText(), eff, ctx);
    }

    private static void sleepScaled(double seconds, double scale) throws InterruptedException {
        long ms = Math.round(seconds * scale * 1000);
        if (ms > 0) Thread.sleep(ms);
    }

    // ---- Task / Map: Retry and Catch around the state's work --------------------------

    private Transition withRetry(StateSpec s, JsonNode raw, Scope frame, Instant entered) throws InterruptedException {
        int[] attempts = new int[s.retry().size()];
        int retryCount = 0;
        JsonNode result;
        while (true) {
            try {
                JsonNode eff = inputPath(s, raw, context(s, entered, retryCount, null, frame));
                result = switch (s.type()) {
                    case "Task" -> runTask(s, eff, frame, entered, retryCount);
                    default -> runMap(s, eff, frame, context(s, entered, retryCount, null, frame));
                };
                break;
            } catch (StatesError e) {
                int r = firstRetrier(s, e.error());
                if (r >= 0 && attempts[r] < s.retry().get(r).maxAttempts()) {
                    Retrier retrier = s.retry().get(r);
                    double delay = retrier.delaySeconds(attempts[r]);
                    if (retrier.fullJitter()) delay = ThreadLocalRandom.current().nextDouble() * delay;
                    attempts[r]++;
                    retryCount++;
                    sleepScaled(delay, executor.timeScale());
                    continue;
                }
                return caught(s, raw, e);
            }
        }
        // shaping the result is not retried (the work succeeded), but its errors can be caught
        try {
            ObjectNode ctx = context(s, entered, retryCount, null, frame);
            if (s.has("ResultSelector")) result = PayloadTemplate.apply(s.get("ResultSelector"), result, ctx);
            return new Transition(outputPath(s, resultPath(s, raw, result), ctx), s.next());
        } catch (StatesError e) {
            return caught(s, raw, e);
        }
    }

    /** The first matching Catch: its Next, with the error placed by its ResultPath; else rethrows. */
    private static Transition caught(StateSpec s, JsonNode raw, StatesError e) {
        for (Catcher c : s.catchers()) {
            if (c.matches(e.error())) {
                ObjectNode errorOutput = F.objectNode().put("Error", e.error());
                errorOutput.put("Cause", e.cause() == null ? "" : e.cause());
                JsonNode out = c.resultPath() == null ? raw : JsonPath.parse(c.resultPath()).write(raw, errorOutput);
                return new Transition(out, c.next());
            }
        }
        throw e;
    }

    private static int firstRetrier(StateSpec s, String error) {
        for (int i = 0; i < s.retry().size(); i++) if (s.retry().get(i).matches(error)) return i;
        return -1;
    }

    private JsonNode runTask(StateSpec s, JsonNode eff, Scope frame, Instant entered, int retryCount) throws InterruptedException {
        String resourceArn = s.get("Resource").asText();
        TaskRequest.Pattern pattern = TaskRequest.Pattern.REQUEST_RESPONSE;
        String base = resourceArn;
        if (resourceArn.endsWith(".waitForTaskToken")) {
            pattern = TaskRequest.Pattern.WAIT_FOR_TASK_TOKEN;
            base = resourceArn.substring(0, resourceArn.length() - ".waitForTaskToken".length());
        } else if (resourceArn.endsWith(".sync") || resourceArn.endsWith(".sync:2")) {
            throw StatesError.runtime("the .sync integration pattern is not supported locally: " + resourceArn);
        }
        TaskResource resource = executor.resource(base);
        if (resource == null) {
            throw StatesError.runtime("no local handler is registered for resource '" + base + "' (state '" + s.name()
                    + "'); registered: " + executor.resourceArns());
        }
        String token = pattern == TaskRequest.Pattern.WAIT_FOR_TASK_TOKEN ? executor.taskTokens().newToken() : null;
        ObjectNode ctx = context(s, entered, retryCount, token, frame);
        JsonNode params = s.has("Parameters") ? PayloadTemplate.apply(s.get("Parameters"), eff, ctx) : eff;
        Double timeout = seconds(s, "TimeoutSeconds", eff, ctx);
        Double heartbeat = seconds(s, "HeartbeatSeconds", eff, ctx);

        String[] typeAndName = resourceTypeAndName(base);
        ObjectNode scheduled = F.objectNode().put("resourceType", typeAndName[0]).put("resource", typeAndName[1])
                .put("region", executor.region()).put("parameters", params.toString());
        if (timeout != null) scheduled.put("timeoutInSeconds", timeout.longValue());
        if (heartbeat != null) scheduled.put("heartbeatInSeconds", heartbeat.longValue());
        event(frame, "TaskScheduled", scheduled);
        event(frame, "TaskStarted", F.objectNode().put("resourceType", typeAndName[0]).put("resource", typeAndName[1]));

        long start = System.nanoTime();
        long deadline = timeout == null ? Long.MAX_VALUE : start + scaledNanos(timeout);
        TaskRequest request = new TaskRequest(base, pattern, params, token, execution.arn(), s.name());
        TaskTokens.Waiter pending = token == null ? null : executor.taskTokens().open(token, execution.arn(), s.name());
        try {
            JsonNode result = callResource(resource, request, deadline);
            if (pending != null) {
                event(frame, "TaskSubmitted", F.objectNode().put("resourceType", typeAndName[0])
                        .put("resource", typeAndName[1]).put("output", String.valueOf(result)));
                result = awaitCallback(pending, deadline, heartbeat == null ? 0 : scaledNanos(heartbeat));
            }
            event(frame, "TaskSucceeded", F.objectNode().put("resourceType", typeAndName[0])
                    .put("resource", typeAndName[1]).put("output", result.toString()));
            return result;
        } catch (StatesError e) {
            boolean timedOut = e.error().equals(StatesError.WellKnown.TIMEOUT) || e.error().equals(StatesError.WellKnown.HEARTBEAT_TIMEOUT);
            ObjectNode d = F.objectNode().put("resourceType", typeAndName[0]).put("resource", typeAndName[1]).put("error", e.error());
            if (e.cause() != null) d.put("cause", e.cause());
            event(frame, timedOut ? "TaskTimedOut" : "TaskFailed", d);
            throw e;
        } finally {
            if (token != null) executor.taskTokens().close(token);
        }
    }

    private long scaledNanos(double seconds) {
        return Math.max(1, Math.round(seconds * executor.timeoutScale() * 1e9));
    }

    private static Double seconds(StateSpec s, String field, JsonNode eff, JsonNode ctx) {
        if (s.has(field)) return s.get(field).asDouble();
        if (s.has(field + "Path")) {
            JsonNode v = readPath(s.get(field + "Path").asText(), eff, ctx);
            if (!v.isNumber() || v.asDouble() <= 0) throw StatesError.runtime(field + "Path must give a positive number, got " + v);
            return v.asDouble();
        }
        return null;
    }

    /** "arn:aws:states:::lambda:invoke" -> ["lambda", "invoke"], as the service's history shows. */
    private static String[] resourceTypeAndName(String arn) {
        if (arn.startsWith("arn:aws:states:::")) {
            String rest = arn.substring("arn:aws:states:::".length());
            int colon = rest.indexOf(':');
            if (colon > 0) return new String[] {rest.substring(0, colon), rest.substring(colon + 1)};
        }
        if (arn.startsWith("arn:aws:lambda:")) return new String[] {"lambda", arn};
        return new String[] {"custom", arn};
    }

    /**
     * Runs the resource on its own thread so TimeoutSeconds can cut it off. A platform thread, not
     * a virtual one: handlers may decode video in native code for seconds, and a virtual thread
     * busy like that would hold a carrier (2 on a 2-core box) and starve the state machine and the
     * API endpoint's callbacks.
     */
    private JsonNode callResource(TaskResource resource, TaskRequest request, long deadline) throws InterruptedException {
        Callable<JsonNode> call = () -> resource.call(request);
        FutureTask<JsonNode> task = new FutureTask<>(call);
        Thread t = Thread.ofPlatform().daemon().name("task-" + request.stateName()).start(task);
        try {
            long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            JsonNode out = wait == Long.MAX_VALUE ? task.get() : task.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
            return out == null ? NullNode.getInstance() : out;
        } catch (TimeoutException e) {
            throw new StatesError(StatesError.WellKnown.TIMEOUT, "Task '" + request.stateName() + "' timed out");
        } catch (ExecutionException e) {
            throw toStatesError(e.getCause());
        } finally {
            if (!task.isDone()) {
                task.cancel(true);
                t.interrupt();
            }
        }
    }

    /** Maps what a resource threw to an ASL error: named errors keep their name. */
    static StatesError toStatesError(Throwable t) {
        if (t instanceof StatesError e) return e;
        if (t instanceof NamedError n) return new StatesError(n.errorName(), t.getMessage());
        if (t instanceof LongVqaException e) return new StatesError(e.code().aslName(), e.getMessage());
        return new StatesError(t.getClass().getName(), String.valueOf(t.getMessage()));
    }

    private JsonNode awaitCallback(TaskTokens.Waiter pending, long deadline, long heartbeatNanos) throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            long beatDeadline = heartbeatNanos > 0 ? pending.lastHeartbeatNanos + heartbeatNanos : Long.MAX_VALUE;
            long until = Math.min(deadline, beatDeadline);
            if (now - until >= 0 && until != Long.MAX_VALUE) {
                boolean heartbeatFirst = beatDeadline < deadline;
                throw heartbeatFirst
                        ? new StatesError(StatesError.WellKnown.HEARTBEAT_TIMEOUT, "no heartbeat for task of state '" + pending.stateName + "'")
                        : new StatesError(StatesError.WellKnown.TIMEOUT, "Task of state '" + pending.stateName + "' timed out");
            }
            try {
                return until == Long.MAX_VALUE ? pending.result.get() : pending.result.get(until - now, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // loop: a heartbeat may have moved the deadline
            } catch (ExecutionException e) {
                throw toStatesError(e.getCause());
            }
        }
    }

    // ---- Map --------------------------------------------------------------------------

    private JsonNode runMap(StateSpec s, JsonNode eff, Scope frame, ObjectNode ctx) throws InterruptedException {
        JsonNode items = s.has("ItemsPath") ? readPath(s.get("ItemsPath").asText(), eff, ctx) : eff;
        if (!items.isArray()) throw StatesError.runtime("Map state '" + s.name() + "': ItemsPath did not give an array: " + items);
        int n = items.size();
        int max = s.has("MaxConcurrency") ? s.get("MaxConcurrency").asInt(0) : 0;
        if (s.has("MaxConcurrencyPath")) max = readPath(s.get("MaxConcurrencyPath").asText(), eff, ctx).asInt(0);
        JsonNode selector = s.has("ItemSelector") ? s.get("ItemSelector") : s.get("Parameters");
        event(frame, "MapStateStarted", F.objectNode().put("length", n));
        List<Callable<JsonNode>> iterations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            JsonNode value = items.get(i);
            iterations.add(() -> {
                Scope sub = new Scope(index, value, frame.lastEvent);
                ObjectNode itemCtx = context(s, executor.clock().instant(), 0, null, sub);
                JsonNode input = selector == null ? value : PayloadTemplate.apply(selector, eff, itemCtx);
                event(sub, "MapIterationStarted", F.objectNode().put("name", s.name()).put("index", index));
                try {
                    JsonNode out = runMachine(s.processor(), input, sub);
                    event(sub, "MapIterationSucceeded", F.objectNode().put("name", s.name()).put("index", index));
                    return out;
                } catch (StatesError e) {
                    event(sub, "MapIterationFailed", F.objectNode().put("name", s.name()).put("index", index));
                    throw e;
                } catch (InterruptedException e) {
                    event(sub, "MapIterationAborted", F.objectNode().put("name", s.name()).put("index", index));
                    throw e;
                }
            });
        }
        try {
            JsonNode out = runAll(iterations, max <= 0 ? Math.max(1, n) : max, "map-" + s.name());
            event(frame, "MapStateSucceeded", F.objectNode());
            return out;
        } catch (StatesError e) {
            event(frame, "MapStateFailed", F.objectNode());
            throw e;
        }
    }

    /**
     * Runs the jobs on at most {@code workers} threads, starting them in index order (so
     * MaxConcurrency 1 is strictly sequential), and returns their results in index order. The
     * first failure cancels everything still running and is rethrown.
     */
    private static JsonNode runAll(List<Callable<JsonNode>> jobs, int workers, String name) throws InterruptedException {
        int n = jobs.size();
        JsonNode[] results = new JsonNode[n];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
        ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
        int started = Math.min(workers, n);
        List<Future<Void>> futures = new ArrayList<>();
        try {
            for (int w = 0; w < started; w++) {
                futures.add(done.submit(() -> {
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < n) {
                        results[i] = jobs.get(i).call();
                    }
                    return null;
                }));
            }
            for (int w = 0; w < started; w++) {
                try {
                    done.take().get();
                } catch (ExecutionException e) {
                    failure.compareAndSet(null, e.getCause());
                    futures.forEach(f -> f.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof InterruptedException ie) throw ie;
                    throw toStatesError(cause);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        ArrayNode out = F.arrayNode();
        for (JsonNode r : results) out.add(r);
        return out;
    }
}
