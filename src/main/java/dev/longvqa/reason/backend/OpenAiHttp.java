package dev.longvqa.reason.backend;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * JSON over HTTP to an OpenAI-compatible server, with the project's error semantics:
 * connection refused or unknown host → MODEL_UNAVAILABLE at once (retrying a server that is not
 * there only delays the message); 429 → THROTTLED and 5xx/timeouts/resets → TRANSIENT, both
 * retried under the {@link RetryPolicy}; 401/403/404 → MODEL_UNAVAILABLE; other 4xx → INTERNAL
 * (our request was wrong; retrying cannot help).
 */
final class OpenAiHttp {
    static final ObjectMapper JSON = Json.mapper();

    private final URI base;
    private final BackendOptions options;
    private final HttpClient client;

    OpenAiHttp(URI base, BackendOptions options) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.options = options;
        // HTTP/1.1: vLLM/llama.cpp/Ollama speak it; the h2c upgrade dance only adds a round trip
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout()).build();
    }

    URI base() {
        return base;
    }

    JsonNode get(String path) {
        return send("GET " + path, () -> request(path).GET().build());
    }

    JsonNode post(String path, byte[] body) {
        return send("POST " + path, () -> request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(options.requestTimeout())
                .header("Accept", "application/json");
        if (options.apiKey() != null && !options.apiKey().isBlank()) b.header("Authorization", "Bearer " + options.apiKey());
        return b;
    }

    private JsonNode send(String what, java.util.function.Supplier<HttpRequest> request) {
        String label = what + " at " + base;
        return Retrying.call(options.retry(), label, () -> {
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.get(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpConnectTimeoutException e) {
                throw new Retrying.RetryableFault(ErrorCode.TRANSIENT, "connect timed out after " + options.connectTimeout().toMillis() + " ms", null, e);
            } catch (HttpTimeoutException e) {
                throw new Retrying.RetryableFault(ErrorCode.TRANSIENT, "no response within " + options.requestTimeout().toMillis() + " ms", null, e);
            } catch (ConnectException e) {
                throw unavailable("no language model server at " + base + " (connection refused); start one or choose another --llm", e);
            } catch (IOException e) {
                if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof ConnectException) {
                    throw unavailable("no language model server at " + base + " (" + e.getCause() + ")", e);
                }
                throw new Retrying.RetryableFault(ErrorCode.TRANSIENT, "I/O error: " + e, null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LongVqaException(ErrorCode.TRANSIENT, label + ": interrupted", e);
            } catch (IllegalArgumentException e) {
                throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "bad model server address " + base + ": " + e.getMessage(), e);
            }
            int status = response.statusCode();
            String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            if (status == 429) {
                throw new Retrying.RetryableFault(ErrorCode.THROTTLED, "HTTP 429: " + snippet(body), retryAfter(response), null);
            }
            if (status >= 500) {
                throw new Retrying.RetryableFault(ErrorCode.TRANSIENT, "HTTP " + status + ": " + snippet(body), retryAfter(response), null);
            }
            if (status == 401 || status == 403 || status == 404) {
                throw unavailable(label + " answered HTTP " + status + ": " + snippet(body), null);
            }
            if (status >= 300) {
                throw new LongVqaException(ErrorCode.INTERNAL, label + " rejected the request, HTTP " + status + ": " + snippet(body));
            }
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new LongVqaException(ErrorCode.INTERNAL, label + " returned non-JSON: " + snippet(body), e);
            }
        });
    }

    private static LongVqaException unavailable(String message, Throwable cause) {
        return new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, message, cause);
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                return null; // HTTP-date form: fall back to our own backoff
            }
        }).orElse(null);
    }

    static String snippet(String body) {
        String s = body.replaceAll("\\s+", " ").strip();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private volatile String servedModel;

    /**
     * The model to request: the configured one, else the first the server lists, asked once
     * ({@code GET /models}) and remembered.
     */
    String model() {
        if (options.model() != null) return options.model();
        String m = servedModel;
        if (m == null) {
            synchronized (this) {
                if (servedModel == null) servedModel = firstModel();
                m = servedModel;
            }
        }
        return m;
    }

    /** {@code scheme:base model} for reports; does not contact the server. */
    String describe(String scheme) {
        String m = options.model() != null ? options.model() : servedModel;
        return scheme + ":" + base + " " + (m == null ? "(model from /models)" : m);
    }

    /** The first model a server lists, for servers that host exactly one (vLLM, llama.cpp). */
    private String firstModel() {
        JsonNode data = get("/models").path("data");
        if (!data.isArray() || data.isEmpty() || !data.get(0).hasNonNull("id")) {
            throw unavailable("the server at " + base + " lists no models (GET /models); pass a model name", null);
        }
        return data.get(0).get("id").asText();
    }

    static int intOr(JsonNode node, int fallback) {
        return node != null && node.isNumber() ? node.asInt() : fallback;
    }

    void close() {
        client.close();
    }
}
