package dev.longvqa.cli;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The hosted LLM, stood in for by an OpenAI-compatible server on loopback (the one stand-in of
 * every module's tests, through the core's test jar). It records every chat request and answers
 * either "reply N (M messages)" with 100 prompt and 7 completion tokens ({@link #FakeOpenAiServer()}),
 * or, for the workflow's tests, a segment pass (its fixed prompt, {@link #SEGMENT_PROMPT}) with
 * {@code summary N} and any other pass with {@code answer N}, 50 and 5 tokens ({@link #lvcot()}).
 * While {@link #gate} is set, every request waits for it to open.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    /** The segment passes' fixed prompt (the core's LVCoT): how a segment call is told from an answer call. */
    public static final String SEGMENT_PROMPT = "Describe the video segment";

    /** Every chat request, parsed, and the same as its raw body. */
    public final List<JsonNode> chats = new CopyOnWriteArrayList<>();
    public final List<String> prompts = new CopyOnWriteArrayList<>();
    public final List<String> replies = new CopyOnWriteArrayList<>();
    public volatile CountDownLatch gate;
    /** Requests that found {@link #gate} set. */
    public final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();
    private final HttpServer server;
    private final ObjectMapper json = Json.mapper();

    /** Answers "reply N (M messages)", 100 prompt and 7 completion tokens. */
    public FakeOpenAiServer() throws IOException {
        this((body, n) -> "reply " + n + " (" + body.get("messages").size() + " messages)", 100, 7);
    }

    /** Answers a segment pass with {@code summary N}, any other with {@code answer N}; 50 and 5 tokens. */
    public static FakeOpenAiServer lvcot() throws IOException {
        return new FakeOpenAiServer((body, n) -> (body.toString().contains(SEGMENT_PROMPT) ? "summary " : "answer ") + n, 50, 5);
    }

    private FakeOpenAiServer(BiFunction<JsonNode, Integer, String> answer, int promptTokens, int completionTokens) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/models", ex -> send(ex, "{\"object\":\"list\",\"data\":[{\"id\":\"test-vlm\",\"object\":\"model\"}]}"));
        server.createContext("/v1/chat/completions", ex -> {
            String raw = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            CountDownLatch g = gate;
            if (g != null) {
                held.incrementAndGet();
                try {
                    g.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            JsonNode body = json.readTree(raw);
            chats.add(body);
            prompts.add(raw);
            int n = counter.incrementAndGet();
            String reply = answer.apply(body, n);
            replies.add(reply);
            var message = json.createObjectNode().put("role", "assistant").put("content", reply);
            var response = json.createObjectNode().put("id", "c" + n).put("object", "chat.completion").put("model", "test-vlm");
            response.set("choices", json.createArrayNode().add(json.createObjectNode().put("index", 0).put("finish_reason", "stop")
                    .set("message", message)));
            response.set("usage", json.createObjectNode().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                    .put("total_tokens", promptTokens + completionTokens));
            send(ex, json.writeValueAsString(response));
        });
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The model spec ({@code --llm}, the worker's) for this server. */
    public String spec() {
        return "openai:" + base();
    }

    /** Segment passes served so far. */
    public long segmentPrompts() {
        return prompts.stream().filter(p -> p.contains(SEGMENT_PROMPT)).count();
    }

    private static void send(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
