package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One running (or finished) execution: its status, result and history. Started by
 * {@link AslExecutor#start}; runs on its own (virtual) thread.
 */
public final class Execution {
    private final String arn;
    private final String name;
    private final String stateMachineArn;
    private final JsonNode input;
    private final Instant startDate;
    private final Clock clock;
    private final java.util.function.BiConsumer<Execution, HistoryEvent> listener;
    private final Consumer<ExecutionResult> statusListener;
    private final List<HistoryEvent> history = new ArrayList<>();
    private final CompletableFuture<ExecutionResult> done = new CompletableFuture<>();
    private volatile ExecutionResult state;
    private volatile Thread thread;

    Execution(String arn, String name, String stateMachineArn, JsonNode input, Clock clock, java.util.function.BiConsumer<Execution, HistoryEvent> listener,
              Consumer<ExecutionResult> statusListener) {
        this.arn = arn;
        this.name = name;
        this.stateMachineArn = stateMachineArn;
        this.input = input;
        this.clock = clock;
        this.listener = listener;
        this.statusListener = statusListener;
        this.startDate = clock.instant();
        this.state = new ExecutionResult(arn, name, ExecutionStatus.RUNNING, input, null, null, null, startDate, null);
    }

    public String arn() {
        return arn;
    }

    public String name() {
        return name;
    }

    public String stateMachineArn() {
        return stateMachineArn;
    }

    public JsonNode input() {
        return input;
    }

    public Instant startDate() {
        return startDate;
    }

    public ExecutionStatus status() {
        return state.status();
    }

    /** The current snapshot; never blocks. */
    public ExecutionResult describe() {
        return state;
    }

    /** Waits until the execution ends, at most {@code timeout}. */
    public ExecutionResult await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Completes when the execution ends. */
    public CompletableFuture<ExecutionResult> completion() {
        return done.copy();
    }

    /** A copy of the history so far, oldest first. */
    public List<HistoryEvent> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /**
     * StopExecution: the execution becomes ABORTED at once (as on AWS); its thread is interrupted
     * so open tasks, waits and Map iterations unwind. Returns false if it had already ended.
     */
    public boolean stop(String error, String cause) {
        ObjectNode d = details();
        if (error != null) d.put("error", error);
        if (cause != null) d.put("cause", cause);
        boolean stopped = finish(ExecutionStatus.ABORTED, null, error, cause, "ExecutionAborted", d);
        if (stopped && thread != null) thread.interrupt();
        return stopped;
    }

    void timeOut() {
        ObjectNode d = details().put("error", StatesError.WellKnown.TIMEOUT).put("cause", "The execution timed out");
        if (finish(ExecutionStatus.TIMED_OUT, null, StatesError.WellKnown.TIMEOUT, "The execution timed out", "ExecutionTimedOut", d)
                && thread != null) {
            thread.interrupt();
        }
    }

    void attach(Thread t) {
        this.thread = t;
    }

    static ObjectNode details() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Appends an event unless the execution has already ended; returns its id (0 if dropped). */
    long record(String type, ObjectNode details, long previousEventId) {
        HistoryEvent e;
        synchronized (history) {
            if (state.status().isTerminal()) return 0;
            e = new HistoryEvent(history.size() + 1L, previousEventId, clock.instant(), type, details);
            history.add(e);
        }
        publish(e);
        return e.id();
    }

    /** A failing listener (say, a closed log) must not change how the execution runs. */
    private void publish(HistoryEvent e) {
        try {
            listener.accept(this, e);
        } catch (RuntimeException ex) {
            System.err.println("asl: history listener failed on " + e.type() + ": " + ex);
        }
    }

    /** Tells the status listener (the local event bus); as with history, its failure changes nothing here. */
    void statusChanged(ExecutionResult snapshot) {
        try {
            statusListener.accept(snapshot);
        } catch (RuntimeException ex) {
            System.err.println("asl: status listener failed on " + snapshot.status() + ": " + ex);
        }
    }

    /** Moves to a terminal status once; later calls (a stop racing the end) lose. */
    boolean finish(ExecutionStatus status, JsonNode output, String error, String cause, String eventType, ObjectNode details) {
        HistoryEvent e;
        synchronized (history) {
            if (state.status().isTerminal()) return false;
            long prev = history.size();
            e = new HistoryEvent(prev + 1, prev, clock.instant(), eventType, details);
            history.add(e);
            state = new ExecutionResult(arn, name, status, input, output, error, cause, startDate, e.timestamp());
        }
        publish(e);
        statusChanged(state);
        done.complete(state);
        return true;
    }
}
