package dev.longvqa.worker;

import dev.longvqa.contract.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The Step Functions task-token API (AWS JSON 1.0: {@code X-Amz-Target:
 * AWSStepFunctions.SendTaskSuccess|SendTaskFailure|SendTaskHeartbeat}) for the real SDK client
 * to talk to. Like the service, a token that got a success or failure is finished: any later call
 * with it answers TaskTimedOut. Tokens in {@link #expire} behave as timed out from the start.
 */
final class FakeStepFunctions implements AutoCloseable {
    record Call(String action, String token, String output, String error, String cause, long atMillis, boolean accepted) {}

    private final HttpServer server;
    private final ObjectMapper json = dev.longvqa.contract.Json.mapper();
    private final List<Call> calls = new ArrayList<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    final Set<String> expire = ConcurrentHashMap.newKeySet();

    FakeStepFunctions() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String action, String token) {
        return calls().stream().filter(c -> c.action().equals(action) && c.token().equals(token)).toList();
    }

    List<Call> accepted(String action, String token) {
        return calls(action, token).stream().filter(Call::accepted).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode body = json.readTree(ex.getRequestBody().readAllBytes());
            String action = target == null ? "" : target.substring(target.indexOf('.') + 1);
            String token = body.path("taskToken").asText();
            boolean gone = expire.contains(token) || finished.contains(token);
            boolean known = action.equals("SendTaskSuccess") || action.equals("SendTaskFailure") || action.equals("SendTaskHeartbeat");
            synchronized (this) {
                calls.add(new Call(action, token, body.path("output").asText(null), body.path("error").asText(null),
                        body.path("cause").asText(null), System.currentTimeMillis(), known && !gone));
            }
            if (!known) {
                send(ex, 400, "{\"__type\":\"UnknownOperationException\",\"message\":\"" + action + "\"}");
            } else if (gone) {
                send(ex, 400, "{\"__type\":\"com.amazonaws.swf.service.v2.model#TaskTimedOut\",\"message\":\"Task Timed Out\"}");
            } else {
                if (!action.equals("SendTaskHeartbeat")) finished.add(token);
                send(ex, 200, "{}");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
