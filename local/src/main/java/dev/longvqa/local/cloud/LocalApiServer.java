package dev.longvqa.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.api.HttpEvent;
import dev.longvqa.contract.api.HttpResponse;
import dev.longvqa.local.cloud.stack.Deployment;
import dev.longvqa.local.web.GatewayExchanges;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The API on loopback: each HTTP request becomes the API Gateway payload v2 event API Gateway would
 * send ({@link HttpEvent}), handed to the template's API function as the other local functions are
 * (the same {@code ApiService}), and its response is written back. There is no authorization on
 * 127.0.0.1: every request acts as {@link #LOCAL_CALLER}, which is what {@code local up} says when
 * it starts.
 */
final class LocalApiServer implements AutoCloseable {
    /** The identity every local request carries, as an IAM authorizer would fill it. */
    public static final String LOCAL_CALLER = "arn:aws:iam::" + Deployment.ACCOUNT + ":user/local";
    static final int MAX_BODY_BYTES = GatewayExchanges.MAX_BODY_BYTES;

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-api");
        t.setDaemon(true);
        return t;
    });
    private final Function<JsonNode, JsonNode> function;

    private LocalApiServer(HttpServer server, Function<JsonNode, JsonNode> function) {
        this.server = server;
        this.function = function;
    }

    /** Serves on 127.0.0.1:{@code port} (0: a free port). */
    public static LocalApiServer start(Function<JsonNode, JsonNode> function, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        LocalApiServer s = new LocalApiServer(http, function);
        http.createContext("/", s::handle);
        http.setExecutor(s.pool);
        http.start();
        return s;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpResponse response;
            try {
                response = call(exchange);
            } catch (RuntimeException e) {
                // the function answers errors itself; this is the gateway's own 500
                response = new HttpResponse(500, Map.of("content-type", "application/json"),
                        "{\"error\":{\"type\":\"INTERNAL\",\"message\":\"the API function failed\"}}", false);
            }
            GatewayExchanges.write(exchange, response);
        }
    }

    private HttpResponse call(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (raw.length > MAX_BODY_BYTES) {
            return new HttpResponse(413, Map.of("content-type", "application/json"),
                    "{\"error\":{\"type\":\"TOO_LARGE\",\"message\":\"the body is larger than 10 MB\"}}", false);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        // API Gateway lower-cases header names and joins repeated ones with commas
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        String type = headers.getOrDefault("content-type", "");
        boolean text = raw.length == 0 || type.startsWith("application/json") || type.startsWith("text/");
        String body = raw.length == 0 ? null : text ? new String(raw, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(raw);
        URI uri = exchange.getRequestURI();
        HttpEvent event = HttpEvent.of(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers, body, !text, LOCAL_CALLER);
        JsonNode out = function.apply(Json.mapper().valueToTree(event));
        return Json.mapper().treeToValue(out, HttpResponse.class);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
