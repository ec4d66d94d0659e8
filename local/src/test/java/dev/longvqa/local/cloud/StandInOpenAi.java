package dev.longvqa.local.cloud;

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

/**
 * The hosted LLM, stood in for by a local OpenAI-compatible server: it records every request body,
 * answers a segment pass (its fixed prompt, {@link #SEGMENT_PROMPT}) with {@code summary N} and any
 * other pass with {@code answer N}, 50 prompt and 5 completion tokens each. While {@link #gate} is
 * set, every request waits for it to open.
 */
final class StandInOpenAi implements AutoCloseable {
    /** The segment passes' fixed prompt (the core's LVCoT): how a segment call is told from an answer call. */
    static final String SEGMENT_PROMPT = "Describe the video segment";

    final List<String> prompts = new CopyOnWriteArrayList<>();
    volatile CountDownLatch gate;
    final AtomicInteger held = new AtomicInteger();
    private final HttpServer server;

    private StandInOpenAi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/models", ex -> reply(ex, "{\"object\":\"list\",\"data\":[{\"id\":\"test-vlm\"}]}"));
        server.createContext("/v1/chat/completions", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            CountDownLatch g = gate;
            if (g != null) {
                held.incrementAndGet();
                try {
                    g.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            prompts.add(body);
            String answer = body.contains(SEGMENT_PROMPT) ? "summary " + prompts.size() : "answer " + prompts.size();
            reply(ex, "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"test-vlm\",\"choices\":[{\"index\":0,"
                    + "\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"" + answer + "\"}}],"
                    + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":5,\"total_tokens\":55}}");
        });
        server.start();
    }

    static StandInOpenAi start() throws IOException {
        return new StandInOpenAi();
    }

    /** The worker's model spec for this server. */
    String spec() {
        return "openai:http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    long segmentPrompts() {
        return prompts.stream().filter(p -> p.contains(SEGMENT_PROMPT)).count();
    }

    private static void reply(HttpExchange ex, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
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
