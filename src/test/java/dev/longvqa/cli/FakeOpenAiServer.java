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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible server on loopback that records every chat request and answers "reply N".
 * Also the stand-in model of the web page's test against {@code local up} (module local/).
 */
public final class FakeOpenAiServer implements AutoCloseable {
    public final List<JsonNode> chats = new CopyOnWriteArrayList<>();
    public final List<String> replies = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final HttpServer server;
    private final ObjectMapper json = Json.mapper();

    public FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/models", ex -> send(ex, "{\"object\":\"list\",\"data\":[{\"id\":\"test-vlm\",\"object\":\"model\"}]}"));
        server.createContext("/v1/chat/completions", ex -> {
            JsonNode body = json.readTree(ex.getRequestBody());
            chats.add(body);
            String reply = "reply " + counter.incrementAndGet() + " (" + body.get("messages").size() + " messages)";
            replies.add(reply);
            send(ex, json.writeValueAsString(json.createObjectNode()
                    .put("id", "c" + counter.get()).put("object", "chat.completion").put("model", "test-vlm")
                    .set("choices", json.createArrayNode().add(json.createObjectNode().put("index", 0).put("finish_reason", "stop")
                            .set("message", json.createObjectNode().put("role", "assistant").put("content", reply))))
            ).replace("}]", "}],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":7,\"total_tokens\":107}"));
        });
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
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
