package dev.longvqa.worker;

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
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A local OpenAI-compatible server ({@code POST /v1/chat/completions}, {@code GET /v1/models}, and
 * vLLM's {@code POST /v1/completions}, which {@code openai-embeds:} posts {@code prompt_embeds} to)
 * standing in for the hosted or sidecar LLM, which is outside the product. Each test sets
 * {@link #behaviour}: request JSON to a reply (status, content, delay). Requests are recorded for
 * assertions.
 */
final class FakeLlm implements AutoCloseable {
    record Reply(int status, String content, long delayMillis, int promptTokens, int completionTokens) {
        static Reply ok(String content) {
            return new Reply(200, content, 0, 100, 10);
        }

        Reply after(long millis) {
            return new Reply(status, content, millis, promptTokens, completionTokens);
        }
    }

    private final HttpServer server;
    private final ObjectMapper json = dev.longvqa.contract.Json.mapper();
    private final List<JsonNode> requests = new ArrayList<>();
    volatile Function<JsonNode, Reply> behaviour = r -> Reply.ok("ok");
    volatile String lastAuthorization;
    /** What {@code GET /v1/models} lists first: the model a worker without LLM_MODEL asks for. */
    static final String SERVED_MODEL = "served-vlm";
    final java.util.concurrent.atomic.AtomicInteger modelListings = new java.util.concurrent.atomic.AtomicInteger();

    FakeLlm() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
        server.createContext("/v1/chat/completions", this::handle);
        server.createContext("/v1/completions", this::handle);
        server.createContext("/v1/models", ex -> {
            try (ex) {
                modelListings.incrementAndGet();
                byte[] b = ("{\"object\":\"list\",\"data\":[{\"id\":\"" + SERVED_MODEL + "\",\"object\":\"model\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    synchronized List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** The user turn's text of a recorded request. */
    static String userText(JsonNode request) {
        JsonNode content = request.path("messages").get(request.path("messages").size() - 1).path("content");
        if (content.isTextual()) return content.asText();
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) if (part.path("type").asText().equals("text")) sb.append(part.path("text").asText());
        return sb.toString();
    }

    /** The video time of each image part, read from the "[12s] " label the core puts before it. */
    static List<String> imageLabels(JsonNode request) {
        List<String> out = new ArrayList<>();
        String pending = null;
        JsonNode content = request.path("messages").get(request.path("messages").size() - 1).path("content");
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                var m = java.util.regex.Pattern.compile("\\[([0-9.]+s)\\] $").matcher(part.path("text").asText());
                pending = m.find() ? m.group(1) : null;
            } else if (part.path("type").asText().equals("image_url")) {
                out.add(pending);
                pending = null;
            }
        }
        return out;
    }

    static List<String> imageUrls(JsonNode request) {
        List<String> out = new ArrayList<>();
        JsonNode content = request.path("messages").get(request.path("messages").size() - 1).path("content");
        for (JsonNode part : content) if (part.path("type").asText().equals("image_url")) out.add(part.path("image_url").path("url").asText());
        return out;
    }

    /** Replies this server started to send (after any delay): lets a test show something happened before an answer. */
    final java.util.concurrent.atomic.AtomicInteger replying = new java.util.concurrent.atomic.AtomicInteger();

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            JsonNode req = json.readTree(ex.getRequestBody().readAllBytes());
            synchronized (this) {
                requests.add(req);
            }
            Reply r = behaviour.apply(req);
            if (r.delayMillis() > 0) {
                // an ordering point for tests: this reply is not sent before the delay is over
                try {
                    Thread.sleep(r.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String body;
            if (r.status() == 200) {
                var root = json.createObjectNode();
                boolean chat = ex.getRequestURI().getPath().endsWith("/chat/completions");
                root.put("id", "cmpl-test").put("object", chat ? "chat.completion" : "text_completion").put("model", req.path("model").asText());
                var choice = root.putArray("choices").addObject();
                choice.put("index", 0).put("finish_reason", "stop");
                if (chat) choice.putObject("message").put("role", "assistant").put("content", r.content());
                else choice.put("text", r.content());
                root.putObject("usage").put("prompt_tokens", r.promptTokens()).put("completion_tokens", r.completionTokens());
                body = json.writeValueAsString(root);
            } else {
                body = "{\"error\":{\"message\":\"" + r.content() + "\"}}";
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(r.status(), b.length);
            replying.incrementAndGet();
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            } catch (IOException ignored) {
                // the client gave up (a killed worker): nothing to answer
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
