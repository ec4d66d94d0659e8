package dev.longvqa.worker;

import dev.longvqa.contract.WorkerEnv;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ECS task scale-in protection while the worker has a task in flight: scaling the service in (the
 * queue's backlog drops as the last messages are taken) must not stop a task mid-work. The ECS agent
 * serves {@code $ECS_AGENT_URI/task-protection/v1/state}; the first task in flight turns protection on,
 * the last one to end turns it off. Outside ECS (no agent URI) it does nothing. Failures are logged,
 * never thrown: protection is a safeguard, the heartbeat/redrive path still covers a stopped task.
 */
final class TaskProtection {
    private static final System.Logger LOG = System.getLogger(TaskProtection.class.getName());
    /** Longer than any task (the state's timeout); renewed by the next first task. */
    static final int EXPIRES_IN_MINUTES = 360;

    static final TaskProtection NONE = new TaskProtection(null);

    private final URI state;
    private final AtomicInteger active = new AtomicInteger();
    private final HttpClient http;

    TaskProtection(URI agentUri) {
        this.state = agentUri == null ? null : URI.create(agentUri.toString().replaceAll("/+$", "") + "/task-protection/v1/state");
        this.http = agentUri == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    static TaskProtection fromEnvironment(Map<String, String> env) {
        String uri = env.get(WorkerEnv.ECS_AGENT_URI.variable());
        return uri == null || uri.isBlank() ? NONE : new TaskProtection(URI.create(uri.strip()));
    }

    void taskStarted() {
        if (active.getAndIncrement() == 0) put("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":" + EXPIRES_IN_MINUTES + "}");
    }

    void taskEnded() {
        if (active.decrementAndGet() == 0) put("{\"ProtectionEnabled\":false}");
    }

    private synchronized void put(String body) {
        if (state == null) return;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(state).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) LOG.log(System.Logger.Level.WARNING, "task protection " + body + ": HTTP " + r.statusCode() + " " + r.body());
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "task protection " + body + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
