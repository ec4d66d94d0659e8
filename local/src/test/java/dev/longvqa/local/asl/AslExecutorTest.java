package dev.longvqa.local.asl;

import static dev.longvqa.local.asl.JsonPathTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.longvqa.local.tasks.InMemoryQueues;
import dev.longvqa.local.tasks.MessageSender.SqsMessage;
import dev.longvqa.local.tasks.SqsSendMessageResource;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AslExecutorTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    final List<AslExecutor> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(AslExecutor::close);
    }

    AslExecutor executor(String definition, UnaryOperator<AslExecutor.Builder> config) {
        AslExecutor e = config.apply(AslExecutor.builder().definition(definition)).build();
        opened.add(e);
        return e;
    }

    ExecutionResult run(AslExecutor e, String input) throws Exception {
        return e.start(null, json(input)).await(WAIT);
    }

    static List<String> types(Execution e) {
        return e.history().stream().map(HistoryEvent::type).toList();
    }

    // ---- flow, data and the context object ----------------------------------------------------

    @Test
    void choiceExampleOfTheSpecWithDefault() throws Exception {
        String def = """
            {"StartAt": "ChoiceStateX", "States": {
              "ChoiceStateX": {"Type": "Choice", "Choices": [
                  {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
                  {"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                           {"Variable": "$.value", "NumericLessThan": 30}], "Next": "ValueInTwenties"}],
                "Default": "DefaultState"},
              "Public": {"Type": "Pass", "Result": "public", "End": true},
              "ValueInTwenties": {"Type": "Pass", "Result": "twenties", "End": true},
              "DefaultState": {"Type": "Fail", "Error": "DefaultStateError", "Cause": "No Matches!"}}}""";
        AslExecutor e = executor(def, b -> b);
        assertThat(run(e, "{\"type\": \"Public\"}").output().asText()).isEqualTo("public");
        assertThat(run(e, "{\"type\": \"Private\", \"value\": 25}").output().asText()).isEqualTo("twenties");
        ExecutionResult r = run(e, "{\"type\": \"Private\", \"value\": 35}");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("DefaultStateError");
        assertThat(r.cause()).isEqualTo("No Matches!");
    }

    @Test
    void choiceWithoutMatchOrDefaultFailsTheExecution() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
              {"Variable": "$.n", "NumericEquals": 1, "Next": "S"}]}, "S": {"Type": "Succeed"}}}""", b -> b);
        assertThat(run(e, "{\"n\": 2}").error()).isEqualTo("States.NoChoiceMatched");
        assertThat(run(e, "{\"n\": 1}").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    @Test
    void inputPathResultPathOutputPathExampleOfTheSpec() throws Exception {
        // states-language.net: InputPath "$.numbers", ResultPath "$.sum" on a Task that adds
        AslExecutor e = executor("""
            {"StartAt": "Add", "States": {"Add": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Add",
              "InputPath": "$.numbers", "ResultPath": "$.sum", "End": true}}}""",
                b -> b.lambda("Add", in -> JsonNodeFactory.instance.numberNode(in.get("val1").asInt() + in.get("val2").asInt())));
        ExecutionResult r = run(e, "{\"title\": \"Numbers to add\", \"numbers\": {\"val1\": 3, \"val2\": 4}}");
        assertThat(r.output()).isEqualTo(json("{\"title\": \"Numbers to add\", \"numbers\": {\"val1\": 3, \"val2\": 4}, \"sum\": 7}"));
    }

    @Test
    void passStatePathsNullAndContextObject() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "P1", "States": {
              "P1": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.deep.result", "Next": "P2"},
              "P2": {"Type": "Pass", "Parameters": {"exec.$": "$$.Execution.Name", "state.$": "$$.State.Name",
                     "orig.$": "$$.Execution.Input.who", "x.$": "$.deep.result.x"}, "ResultPath": "$.ctx", "Next": "P3"},
              "P3": {"Type": "Pass", "Result": "ignored", "ResultPath": null, "OutputPath": "$.ctx", "Next": "P4"},
              "P4": {"Type": "Pass", "InputPath": null, "ResultPath": "$.wasEmpty", "Next": "Done"},
              "Done": {"Type": "Succeed", "OutputPath": "$.wasEmpty"}}}""", b -> b);
        Execution ex = e.start("my-run", json("{\"who\": \"me\"}"));
        ExecutionResult r = ex.await(WAIT);
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.output()).isEqualTo(json("{}"));
        JsonNode p3Output = json(ex.history().stream().filter(h -> h.type().equals("PassStateExited") && h.stateName().equals("P3"))
                .findFirst().orElseThrow().details().get("output").asText());
        assertThat(p3Output).isEqualTo(json("{\"exec\": \"my-run\", \"state\": \"P2\", \"orig\": \"me\", \"x\": 1}"));
        assertThat(types(ex)).containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered",
                "PassStateExited", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited",
                "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded");
        assertThat(ex.history().get(1).previousEventId()).isEqualTo(1);
    }

    @Test
    void lambdaInvokeWrapsPayloadLikeTheIntegration() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "Plan", "States": {"Plan": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "${PlanFunctionArn}", "Payload": {"jobId.$": "$.jobId"}},
              "ResultSelector": {"plan.$": "$.Payload", "status.$": "$.StatusCode"}, "ResultPath": "$.planned", "End": true}}}""",
                b -> b.substitution("PlanFunctionArn", "arn:aws:lambda:us-east-1:000000000000:function:plan:$LATEST")
                        .lambda("plan", in -> json("{\"ranges\": 3, \"for\": \"" + in.get("jobId").asText() + "\"}")));
        Execution ex = e.start(null, json("{\"jobId\": \"j1\"}"));
        assertThat(ex.await(WAIT).output()).isEqualTo(json("{\"jobId\": \"j1\", \"planned\": {\"plan\": {\"ranges\": 3, \"for\": \"j1\"}, \"status\": 200}}"));
        assertThat(types(ex)).containsSubsequence("TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited");
        HistoryEvent scheduled = ex.history().stream().filter(h -> h.type().equals("TaskScheduled")).findFirst().orElseThrow();
        assertThat(scheduled.details().get("resourceType").asText()).isEqualTo("lambda");
        assertThat(scheduled.details().get("resource").asText()).isEqualTo("invoke");
        assertThat(json(scheduled.details().get("parameters").asText()).get("FunctionName").asText()).endsWith("function:plan:$LATEST");
    }

    @Test
    void buildRejectsMissingSubstitutionsAndBrokenDefinitions() {
        assertThatThrownBy(() -> AslExecutor.builder().definition("""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "${RegisterFunctionArn}"}, "End": true}}}""").build())
                .hasMessageContaining("RegisterFunctionArn");
        assertThatThrownBy(() -> AslExecutor.builder().definition("""
            {"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "Next": "B"}, "C": {"Type": "Task"},
              "D": {"Type": "Pass"}, "E": {"Type": "Pass", "End": true, "Retry": [{"ErrorEquals": ["X"]}]}}}""").build())
                .isInstanceOfSatisfying(StateMachineDefinition.InvalidDefinitionException.class, ex -> assertThat(ex.problems())
                        .anyMatch(p -> p.contains("StartAt 'Nowhere'"))
                        .anyMatch(p -> p.contains("unknown state 'B'"))
                        .anyMatch(p -> p.contains("'C': Task without Resource"))
                        .anyMatch(p -> p.contains("'D': needs Next or End"))
                        .anyMatch(p -> p.contains("'E': Retry is only allowed")));
    }

    @Test
    void unregisteredResourceFailsClearlyAndIsNotCaught() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": true,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]}, "Caught": {"Type": "Succeed"}}}""", b -> b);
        ExecutionResult r = run(e, "{}");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("States.Runtime");
        assertThat(r.cause()).contains("arn:aws:states:::dynamodb:putItem");
    }

    @Test
    void reusingANameIsExecutionAlreadyExists() throws Exception {
        AslExecutor e = executor("{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \"Seconds\": 60, \"End\": true}}}", b -> b);
        Execution first = e.start("job", json("{\"a\": 1}"));
        assertThat(e.start("job", json("{\"a\": 1}"))).isSameAs(first);
        assertThatThrownBy(() -> e.start("job", json("{\"a\": 2}"))).isInstanceOf(AslExecutor.ExecutionAlreadyExistsException.class);
        assertThat(first.stop(null, null)).isTrue();
        assertThat(first.await(WAIT).status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThatThrownBy(() -> e.start("job", json("{\"a\": 1}"))).isInstanceOf(AslExecutor.ExecutionAlreadyExistsException.class);
    }

    // ---- Wait, timeouts, stop -------------------------------------------------------------------

    @Test
    void waitStatesHonourTheTimeScale() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "W1", "States": {
              "W1": {"Type": "Wait", "Seconds": 100, "Next": "W2"},
              "W2": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "W3"},
              "W3": {"Type": "Wait", "Timestamp": "2001-01-01T00:00:00Z", "End": true}}}""", b -> b.timeScale(0.001));
        long t0 = System.nanoTime();
        ExecutionResult r = run(e, "{\"delay\": 200}");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.output()).isEqualTo(json("{\"delay\": 200}"));
        // 100 s and 200 s scaled by 0.001; unscaled (300 s), the await above would have timed out
        assertThat(ms).isGreaterThanOrEqualTo(300L);
    }

    @Test
    void executionTimeoutEndsTimedOut() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "W", "TimeoutSeconds": 2, "States": {"W": {"Type": "Wait", "Seconds": 100, "End": true}}}""",
                b -> b.timeoutScale(0.05));
        Execution ex = e.start(null, json("{}"));
        ExecutionResult r = ex.await(WAIT);
        assertThat(r.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(r.error()).isEqualTo("States.Timeout");
        assertThat(types(ex)).last().isEqualTo("ExecutionTimedOut");
    }

    @Test
    void taskTimeoutIsStatesTimeoutWhichTaskFailedDoesNotCatch() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "Slow", "States": {
              "Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "slow"},
                "TimeoutSeconds": 2, "End": true,
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"},
                          {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.err", "Next": "TimedOut"}]},
              "Failed": {"Type": "Pass", "Result": "failed", "End": true},
              "TimedOut": {"Type": "Pass", "End": true}}}""",
                b -> b.timeoutScale(0.05).lambda("slow", in -> {
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    return in;
                }));
        Execution ex = e.start(null, json("{\"k\": 1}"));
        ExecutionResult r = ex.await(WAIT);
        assertThat(r.output().get("k").asInt()).isEqualTo(1);
        assertThat(r.output().get("err").get("Error").asText()).isEqualTo("States.Timeout");
        assertThat(types(ex)).contains("TaskTimedOut");
    }

    // ---- Retry and Catch ------------------------------------------------------------------------

    @Test
    void retryBacksOffThenSucceeds() throws Exception {
        List<Long> calls = Collections.synchronizedList(new ArrayList<>());
        AslExecutor e = executor("""
            {"StartAt": "Flaky", "States": {"Flaky": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "flaky", "Payload.$": "$"}, "OutputPath": "$.Payload", "End": true,
              "Retry": [{"ErrorEquals": ["LongVqa.BAD_REQUEST"], "MaxAttempts": 0},
                        {"ErrorEquals": ["LongVqa.TRANSIENT", "LongVqa.THROTTLED"], "IntervalSeconds": 5, "BackoffRate": 2, "MaxAttempts": 3}]}}}""",
                b -> b.timeScale(0.01).lambda("flaky", in -> {
                    calls.add(System.nanoTime());
                    if (calls.size() < 3) throw new LongVqaException(ErrorCode.TRANSIENT, "try again");
                    return json("{\"attempts\": " + calls.size() + "}");
                }));
        Execution ex = e.start(null, json("{}"));
        assertThat(ex.await(WAIT).output()).isEqualTo(json("{\"attempts\": 3}"));
        // 5 s and 10 s scaled by 0.01: the gaps are at least 50 ms and 100 ms
        assertThat(TimeUnit.NANOSECONDS.toMillis(calls.get(1) - calls.get(0))).isGreaterThanOrEqualTo(50);
        assertThat(TimeUnit.NANOSECONDS.toMillis(calls.get(2) - calls.get(1))).isGreaterThanOrEqualTo(100);
        assertThat(types(ex).stream().filter("TaskFailed"::equals).count()).isEqualTo(2);
    }

    @Test
    void retriesExhaustedThenCatchKeepsInputAndAddsError() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String definition = """
            {"StartAt": "Always", "States": {
              "Always": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "always"},
                "End": true,
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 10, "MaxDelaySeconds": 2, "MaxAttempts": 3}],
                "Catch": [{"ErrorEquals": ["LongVqa.TRANSIENT"], "ResultPath": "$.error", "Next": "Record"}]},
              "Record": {"Type": "Pass", "End": true}}}""";
        AslExecutor e = executor(definition, b -> b.timeScale(0.01).lambda("always", in -> {
            calls.incrementAndGet();
            throw new LongVqaException(ErrorCode.TRANSIENT, "still down");
        }));
        long t0 = System.nanoTime();
        ExecutionResult r = run(e, "{\"jobId\": \"j\"}");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(calls).hasValue(4);
        assertThat(r.output()).isEqualTo(json("{\"jobId\": \"j\", \"error\": {\"Error\": \"LongVqa.TRANSIENT\", \"Cause\": \"still down\"}}"));
        // delays 1, 2 (capped from 10), 2 (capped from 100) seconds, scaled: 50 ms, not 1110 ms as the same
        // machine without the cap takes (an ordering, not a wall-clock bound)
        assertThat(ms).isGreaterThanOrEqualTo(50L);
        AslExecutor uncapped = executor(definition.replace("\"MaxDelaySeconds\": 2, ", ""), b -> b.timeScale(0.01).lambda("always", in -> {
            throw new LongVqaException(ErrorCode.TRANSIENT, "still down");
        }));
        long u0 = System.nanoTime();
        run(uncapped, "{\"jobId\": \"j\"}");
        assertThat(ms).isLessThan(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - u0));
    }

    @Test
    void fullJitterDrawsEachDelayBelowTheNominalOne() throws Exception {
        String definition = """
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "f"}, "End": true,
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 1, "MaxAttempts": 8, "JitterStrategy": "FULL"}]}}}""";
        List<Long> calls = retryTimes(definition);
        assertThat(calls).hasSize(9);
        // eight nominal 100 ms delays (800 ms, at least, without jitter: timers never fire early); eight
        // uniform draws in [0, 100] ms average 400 ms and exceed 700 ms with a probability of about 1e-4.
        // An ordering against the same machine without jitter, run here, not a wall-clock bound.
        List<Long> nominal = retryTimes(definition.replace(", \"JitterStrategy\": \"FULL\"", ""));
        assertThat(nominal).hasSize(9);
        long total = TimeUnit.NANOSECONDS.toMillis(calls.get(8) - calls.get(0));
        assertThat(total).isLessThan(TimeUnit.NANOSECONDS.toMillis(nominal.get(8) - nominal.get(0)));
        assertThat(new Retrier(List.of("X"), 2, 3, 3, 10, false).delaySeconds(2)).isEqualTo(10.0);
        assertThat(new Retrier(List.of("X"), 2, 3, 3, 0, false).delaySeconds(2)).isEqualTo(18.0);
    }

    /** When each attempt of a task that always fails ran (scaled by 0.1). */
    private List<Long> retryTimes(String definition) throws Exception {
        List<Long> calls = Collections.synchronizedList(new ArrayList<>());
        AslExecutor e = executor(definition, b -> b.timeScale(0.1).lambda("f", in -> {
            calls.add(System.nanoTime());
            throw new IllegalStateException("down");
        }));
        assertThat(run(e, "{}").error()).isEqualTo("java.lang.IllegalStateException");
        return calls;
    }

    @Test
    void lambdaCauseCanBeTheAwsErrorJson() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "plan"}, "End": true}}}""",
                b -> b.lambdaCauseFormat(dev.longvqa.local.asl.LambdaInvokeResource.CauseFormat.LAMBDA_JSON)
                        .lambda("plan", in -> {
                            throw new LongVqaException(ErrorCode.NOT_A_VIDEO, "clip.txt is not a video");
                        }));
        ExecutionResult r = run(e, "{}");
        assertThat(r.error()).isEqualTo("LongVqa.NOT_A_VIDEO");
        JsonNode cause = json(r.cause());
        assertThat(cause.get("errorMessage").asText()).isEqualTo("clip.txt is not a video");
        assertThat(cause.get("errorType").asText()).isEqualTo("LongVqa.NOT_A_VIDEO");
        assertThat(cause.get("stackTrace").isArray()).isTrue();
    }

    @Test
    void resultPathFailureIsCaughtWithoutRerunningTheTask() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AslExecutor e = executor("""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "f"}, "ResultPath": "$.a.b", "End": true,
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 0, "MaxAttempts": 3}],
              "Catch": [{"ErrorEquals": ["States.ResultPathMatchFailure"], "ResultPath": "$.err", "Next": "C"}]},
              "C": {"Type": "Pass", "End": true}}}""",
                b -> b.lambda("f", in -> JsonNodeFactory.instance.numberNode(calls.incrementAndGet())));
        ExecutionResult r = run(e, "{\"a\": 5}");
        assertThat(calls).hasValue(1);
        assertThat(r.output().get("err").get("Error").asText()).isEqualTo("States.ResultPathMatchFailure");
        assertThat(r.output().get("a").asInt()).isEqualTo(5);
    }

    @Test
    void eachRetrierCountsItsOwnAttempts() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AslExecutor e = executor("""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "f"}, "End": true,
              "Retry": [{"ErrorEquals": ["A"], "IntervalSeconds": 0, "MaxAttempts": 1},
                        {"ErrorEquals": ["B"], "IntervalSeconds": 0, "MaxAttempts": 1}]}}}""",
                b -> b.lambda("f", in -> {
                    int n = calls.incrementAndGet();
                    String name = n == 1 ? "A" : n == 2 ? "B" : "A";
                    throw new Named(name, "call " + n);
                }));
        ExecutionResult r = run(e, "{}");
        // A (retried), B (retried), A again: A's single attempt is spent, so it fails
        assertThat(calls).hasValue(3);
        assertThat(r.error()).isEqualTo("A");
        assertThat(r.cause()).isEqualTo("call 3");
    }

    static final class Named extends RuntimeException implements NamedError {
        final String name;

        Named(String name, String message) {
            super(message);
            this.name = name;
        }

        @Override
        public String errorName() {
            return name;
        }
    }

    @Test
    void plainExceptionsUseTheClassNameAndStatesRuntimeIsNeverCaught() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "boom"},
                "Next": "Bad", "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.e", "Next": "Bad"}]},
              "Bad": {"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "End": true}}}""",
                b -> b.lambda("boom", in -> {
                    throw new IllegalStateException("kaput");
                }));
        Execution ex = e.start(null, json("{}"));
        ExecutionResult r = ex.await(WAIT);
        HistoryEvent failed = ex.history().stream().filter(h -> h.type().equals("TaskFailed")).findFirst().orElseThrow();
        assertThat(failed.details().get("error").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.details().get("cause").asText()).isEqualTo("kaput");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("States.Runtime");
    }

    // ---- Map and Parallel -----------------------------------------------------------------------

    @Test
    void mapHonoursMaxConcurrencyAndKeepsOrder() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Integer> startOrder = Collections.synchronizedList(new ArrayList<>());
        AslExecutor e = executor("""
            {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.ranges", "MaxConcurrency": 2,
              "ItemSelector": {"jobId.$": "$.jobId", "range.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
              "ItemProcessor": {"StartAt": "Decode", "States": {"Decode": {"Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "decode", "Payload.$": "$"},
                "OutputPath": "$.Payload", "End": true}}},
              "ResultPath": "$.decoded", "End": true}}}""",
                b -> b.lambda("decode", in -> {
                    startOrder.add(in.get("index").asInt());
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(40);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                    return json("{\"index\": " + in.get("index") + ", \"frames\": " + in.get("range").get("len").asInt() * 2 + "}");
                }));
        Execution ex = e.start(null, json("{\"jobId\": \"j\", \"ranges\": [{\"len\": 1}, {\"len\": 2}, {\"len\": 3}, {\"len\": 4}, {\"len\": 5}]}"));
        ExecutionResult r = ex.await(WAIT);
        assertThat(r.output().get("decoded")).isEqualTo(json(
                "[{\"index\":0,\"frames\":2},{\"index\":1,\"frames\":4},{\"index\":2,\"frames\":6},{\"index\":3,\"frames\":8},{\"index\":4,\"frames\":10}]"));
        assertThat(peak).hasValue(2);
        assertThat(startOrder.subList(0, 2)).containsExactlyInAnyOrder(0, 1);
        assertThat(types(ex).stream().filter("MapIterationSucceeded"::equals).count()).isEqualTo(5);
        assertThat(types(ex)).containsSubsequence("MapStateEntered", "MapStateStarted", "MapIterationStarted", "MapStateSucceeded", "MapStateExited");
        assertThat(ex.history().stream().filter(h -> h.type().equals("MapStateStarted")).findFirst().orElseThrow()
                .details().get("length").asInt()).isEqualTo(5);
    }

    @Test
    void mapWithoutLimitRunsAllItemsAtOnce() throws Exception {
        // four items that each wait for all four: only completes if they truly run concurrently
        CyclicBarrier barrier = new CyclicBarrier(4);
        AslExecutor e = executor("""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "Iterator": {"StartAt": "T", "States": {"T": {"Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:000000000000:function:meet", "End": true}}}, "End": true}}}""",
                b -> b.lambda("meet", in -> {
                    try {
                        barrier.await(5, TimeUnit.SECONDS);
                    } catch (Exception ex) {
                        throw new IllegalStateException("not concurrent", ex);
                    }
                    return JsonNodeFactory.instance.numberNode(in.asInt() * 10);
                }));
        ExecutionResult r = run(e, "[1, 2, 3, 4]");
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.output()).isEqualTo(json("[10, 20, 30, 40]"));
    }

    @Test
    void failingIterationFailsTheMapAndCatchRoutesIt() throws Exception {
        AslExecutor e = executor("""
            {"StartAt": "M", "States": {
              "M": {"Type": "Map", "ItemProcessor": {"StartAt": "Check", "States": {
                  "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "TooBig"}], "Default": "Ok"},
                  "TooBig": {"Type": "Fail", "Error": "LongVqa.TOO_LONG", "Cause": "item too big"},
                  "Ok": {"Type": "Succeed"}}},
                "Catch": [{"ErrorEquals": ["LongVqa.TOO_LONG"], "Next": "Rejected"}], "End": true},
              "Rejected": {"Type": "Pass", "End": true}}}""", b -> b);
        Execution ex = e.start(null, json("[1, 2, 3]"));
        ExecutionResult r = ex.await(WAIT);
        assertThat(r.output()).isEqualTo(json("{\"Error\": \"LongVqa.TOO_LONG\", \"Cause\": \"item too big\"}"));
        assertThat(types(ex)).contains("MapIterationFailed", "MapStateFailed", "FailStateEntered");
        assertThat(run(e, "[1, 2]").output()).isEqualTo(json("[1, 2]"));
    }

    @Test
    void aParallelStateIsRefusedAtLoad() {
        // the project's definition has no Parallel state, so the interpreter runs none
        assertThatThrownBy(() -> executor("""
            {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true,
              "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}]}}}""", b -> b))
                .isInstanceOf(StateMachineDefinition.InvalidDefinitionException.class)
                .hasMessageContaining("Type 'Parallel' is not supported");
    }

    // ---- task tokens ----------------------------------------------------------------------------

    static final String TOKEN_DEF = """
        {"StartAt": "Gpu", "States": {"Gpu": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "Parameters": {"QueueUrl": "q", "MessageBody": {"taskToken.$": "$$.Task.Token", "segment.$": "$.segment"}},
          "HeartbeatSeconds": 2, "TimeoutSeconds": 20, "ResultPath": "$.result", "End": true,
          "Catch": [{"ErrorEquals": ["LongVqa.MODEL_UNAVAILABLE"], "ResultPath": "$.error", "Next": "NoModel"}]},
          "NoModel": {"Type": "Pass", "End": true}}}""";

    @Test
    void waitForTaskTokenSucceedsWhileHeartbeatsArrive() throws Exception {
        InMemoryQueues queues = new InMemoryQueues();
        AslExecutor e = executor(TOKEN_DEF, b -> b.timeoutScale(0.05)
                .resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(queues)));
        Execution ex = e.start(null, json("{\"segment\": 4}"));
        SqsMessage m = queues.queue("q").poll(5, TimeUnit.SECONDS);
        JsonNode body = json(m.body());
        assertThat(body.get("segment").asInt()).isEqualTo(4);
        String token = body.get("taskToken").asText();
        // heartbeat every 40 ms for 400 ms: far longer than the 100 ms heartbeat window
        for (int i = 0; i < 10; i++) {
            Thread.sleep(40);
            e.taskTokens().sendHeartbeat(token);
        }
        assertThat(ex.status()).isEqualTo(ExecutionStatus.RUNNING);
        e.taskTokens().sendSuccess(token, json("{\"segmentKey\": \"jobs/j/segments/4.json\"}"));
        ExecutionResult r = ex.await(WAIT);
        assertThat(r.output()).isEqualTo(json("{\"segment\": 4, \"result\": {\"segmentKey\": \"jobs/j/segments/4.json\"}}"));
        assertThat(types(ex)).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded");
        assertThatThrownBy(() -> e.taskTokens().sendSuccess(token, json("{}")))
                .isInstanceOfSatisfying(TaskTokens.TokenException.class, t -> assertThat(t.errorCode()).isEqualTo("TaskTimedOut"));
    }

    @Test
    void missingHeartbeatIsHeartbeatTimeoutAndLateCallbacksAreRejected() throws Exception {
        InMemoryQueues queues = new InMemoryQueues();
        AslExecutor e = executor(TOKEN_DEF, b -> b.timeoutScale(0.05)
                .resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(queues)));
        Execution ex = e.start(null, json("{\"segment\": 1}"));
        String token = json(queues.queue("q").poll(5, TimeUnit.SECONDS).body()).get("taskToken").asText();
        ExecutionResult r = ex.await(WAIT);
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("States.HeartbeatTimeout");
        assertThat(types(ex)).contains("TaskTimedOut");
        assertThatThrownBy(() -> e.taskTokens().sendHeartbeat(token))
                .isInstanceOfSatisfying(TaskTokens.TokenException.class, t -> assertThat(t.errorCode()).isEqualTo("TaskTimedOut"));
        assertThatThrownBy(() -> e.taskTokens().sendHeartbeat("not-a-token"))
                .isInstanceOfSatisfying(TaskTokens.TokenException.class, t -> assertThat(t.errorCode()).isEqualTo("InvalidToken"));
        assertThatThrownBy(() -> e.taskTokens().sendHeartbeat(e.taskTokens().newToken()))
                .isInstanceOfSatisfying(TaskTokens.TokenException.class, t -> assertThat(t.errorCode()).isEqualTo("TaskDoesNotExist"));
    }

    @Test
    void heartbeatTimeoutRetryResendsWithAFreshToken() throws Exception {
        // a lost worker: the first message is never answered; Retry on States.HeartbeatTimeout sends
        // a new message with a new token, which the next worker answers
        InMemoryQueues queues = new InMemoryQueues();
        AslExecutor e = executor("""
            {"StartAt": "Gpu", "States": {"Gpu": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"QueueUrl": "q", "MessageBody": {"taskToken.$": "$$.Task.Token", "attempt.$": "$$.State.RetryCount"}},
              "HeartbeatSeconds": 2, "End": true,
              "Retry": [{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 10, "MaxAttempts": 2}]}}}""",
                b -> b.timeoutScale(0.05).timeScale(0.001).resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(queues)));
        Execution ex = e.start(null, json("{}"));
        JsonNode lost = json(queues.queue("q").poll(5, TimeUnit.SECONDS).body());
        JsonNode second = json(queues.queue("q").poll(5, TimeUnit.SECONDS).body());
        assertThat(lost.get("attempt").asInt()).isZero();
        assertThat(second.get("attempt").asInt()).isEqualTo(1);
        assertThat(second.get("taskToken").asText()).isNotEqualTo(lost.get("taskToken").asText());
        e.taskTokens().sendSuccess(second.get("taskToken").asText(), json("{\"ok\": true}"));
        assertThat(ex.await(WAIT).output()).isEqualTo(json("{\"ok\": true}"));
        assertThat(types(ex)).containsSubsequence("TaskSubmitted", "TaskTimedOut", "TaskScheduled", "TaskSubmitted", "TaskSucceeded");
    }

    @Test
    void sendTaskFailureIsTheStateErrorAndCanBeCaught() throws Exception {
        InMemoryQueues queues = new InMemoryQueues();
        AslExecutor e = executor(TOKEN_DEF, b -> b.resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(queues)));
        Execution ex = e.start(null, json("{\"segment\": 2}"));
        String token = json(queues.queue("q").poll(5, TimeUnit.SECONDS).body()).get("taskToken").asText();
        e.taskTokens().sendFailure(token, "LongVqa.MODEL_UNAVAILABLE", "no GPU model cached");
        assertThat(ex.await(WAIT).output()).isEqualTo(json(
                "{\"segment\": 2, \"error\": {\"Error\": \"LongVqa.MODEL_UNAVAILABLE\", \"Cause\": \"no GPU model cached\"}}"));
    }

    @Test
    void stopAbortsAWaitingTaskAndClosesItsToken() throws Exception {
        InMemoryQueues queues = new InMemoryQueues();
        AslExecutor e = executor(TOKEN_DEF, b -> b.resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(queues)));
        Execution ex = e.start(null, json("{\"segment\": 3}"));
        String token = json(queues.queue("q").poll(5, TimeUnit.SECONDS).body()).get("taskToken").asText();
        assertThat(ex.stop("User.Cancel", "changed my mind")).isTrue();
        ExecutionResult r = ex.await(WAIT);
        assertThat(r.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(r.error()).isEqualTo("User.Cancel");
        assertThat(types(ex)).last().isEqualTo("ExecutionAborted");
        long deadline = System.currentTimeMillis() + 5000;
        while (e.taskTokens().isOpen(token) && System.currentTimeMillis() < deadline) Thread.sleep(5);
        assertThat(e.taskTokens().openCount()).isZero();
        assertThat(ex.stop(null, null)).isFalse();
    }
}
