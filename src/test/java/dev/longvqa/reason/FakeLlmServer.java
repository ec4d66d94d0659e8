package dev.longvqa.reason;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A local stand-in for an OpenAI-compatible LLM server (the one thing outside the product):
 * records every request verbatim and answers from a script.
 */
public final class FakeLlmServer implements AutoCloseable {
    public record Request(String method, String path, String contentType, String authorization, byte[] body) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("request body is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }
    }

    public record Reply(int status, String body, String retryAfter, long delayMillis) {
        public static Reply ok(String body) {
            return new Reply(200, body, null, 0);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Request, Reply> responder;

    public FakeLlmServer(Function<Request, Reply> responder) throws IOException {
        this.responder = responder;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestHeaders().getFirst("Authorization"),
                ex.getRequestBody().readAllBytes());
        requests.add(r);
        Reply reply;
        try {
            reply = responder.apply(r);
        } catch (RuntimeException | AssertionError e) {
            // a broken test script must fail the test, not look like a flaky server (no retry on 400)
            reply = new Reply(400, "{\"error\":" + quote("test responder failed: " + e) + "}", null, 0);
        }
        if (reply.delayMillis() > 0) {
            try {
                closing.await(reply.delayMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (reply.retryAfter() != null) ex.getResponseHeaders().set("Retry-After", reply.retryAfter());
        try {
            ex.sendResponseHeaders(reply.status(), out.length);
            ex.getResponseBody().write(out);
        } catch (IOException ignored) {
            // the client gave up (timeout test)
        } finally {
            ex.close();
        }
    }

    public void respond(Function<Request, Reply> responder) {
        this.responder = responder;
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** A chat completion reply in OpenAI's shape. */
    public static String chat(String content, int promptTokens, int completionTokens) {
        return """
                {"id":"cmpl-1","object":"chat.completion","model":"tdc-qwen","choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(quote(content), promptTokens, completionTokens, promptTokens + completionTokens);
    }

    /** A (text) completion reply. */
    public static String completion(String text, int promptTokens, int completionTokens) {
        return """
                {"id":"cmpl-2","object":"text_completion","model":"tdc-qwen","choices":[{"index":0,"text":%s,"finish_reason":"length"}],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(quote(text), promptTokens, completionTokens, promptTokens + completionTokens);
    }

    public static String models(String... ids) {
        StringBuilder b = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) b.append(',');
            b.append("{\"id\":").append(quote(ids[i])).append(",\"object\":\"model\"}");
        }
        return b.append("]}").toString();
    }

    static String quote(String s) {
        try {
            return Json.mapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
