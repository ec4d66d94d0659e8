package dev.longvqa.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.pipeline.ErrorCode;
import dev.longvqa.pipeline.LongVqaException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.logging.Logger;

/**
 * Minimal OpenAI-compatible {@code POST {base}/chat/completions} client (vLLM, llama.cpp server,
 * hosted APIs): text plus base64 JPEG images, greedy decoding. Retries 5xx, 429 and I/O faults a
 * bounded number of times, then throws TRANSIENT/THROTTLED so the state machine's Retry decides.
 */
public final class OpenAiChat {
    private static final Logger LOG = Logger.getLogger(OpenAiChat.class.getName());

    /** A reply and its cost. */
    public record Reply(String text, Tokens tokens) {}

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI endpoint;
    private final String model;
    private final String apiKey;
    private final int attempts;
    private final Duration retryBase;
    private final Duration timeout;

    public OpenAiChat(ObjectMapper json, URI baseUrl, String model, String apiKey, int attempts, Duration retryBase,
                      Duration timeout) {
        this.json = json;
        String base = baseUrl.toString();
        this.endpoint = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
        this.model = model;
        this.apiKey = apiKey;
        this.attempts = attempts;
        this.retryBase = retryBase;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static OpenAiChat from(WorkerConfig c, ObjectMapper json) {
        return new OpenAiChat(json, c.llmBaseUrl(), c.llmModel(), c.llmApiKey(), c.llmRetries(), c.llmRetryBase(), c.llmTimeout());
    }

    public String model() {
        return model;
    }

    public Reply complete(String system, String text, List<byte[]> jpegs, int maxTokens) throws InterruptedException {
        byte[] body = requestBody(system, text, jpegs, maxTokens);
        String last = "no attempt";
        ErrorCode lastCode = ErrorCode.TRANSIENT;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) Thread.sleep(retryBase.toMillis() << Math.min(attempt - 2, 10));
            HttpRequest.Builder req = HttpRequest.newBuilder(endpoint).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (apiKey != null) req.header("Authorization", "Bearer " + apiKey);
            HttpResponse<String> res;
            try {
                res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = "LLM server unreachable at " + endpoint + ": " + e;
                lastCode = ErrorCode.TRANSIENT;
                LOG.warning("attempt " + attempt + "/" + attempts + ": " + last);
                continue;
            }
            int s = res.statusCode();
            if (s / 100 == 2) return parse(res.body());
            last = "LLM server answered HTTP " + s + ": " + abbreviate(res.body(), 300);
            if (s == 429) {
                lastCode = ErrorCode.THROTTLED;
            } else if (s >= 500 || s == 408) {
                lastCode = ErrorCode.TRANSIENT;
            } else if (s == 404) {
                throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "model " + model + " not served at " + endpoint + ": " + last);
            } else {
                // our request was wrong: retrying the same bytes cannot help
                throw new LongVqaException(ErrorCode.INTERNAL, last);
            }
            LOG.warning("attempt " + attempt + "/" + attempts + ": " + last);
        }
        throw new LongVqaException(lastCode, "gave up after " + attempts + " attempts: " + last);
    }

    private byte[] requestBody(String system, String text, List<byte[]> jpegs, int maxTokens) {
        ObjectNode root = json.createObjectNode();
        root.put("model", model);
        root.put("temperature", 0);
        root.put("max_tokens", maxTokens);
        ArrayNode messages = root.putArray("messages");
        if (system != null) messages.addObject().put("role", "system").put("content", system);
        ObjectNode user = messages.addObject().put("role", "user");
        if (jpegs.isEmpty()) {
            user.put("content", text);
        } else {
            ArrayNode content = user.putArray("content");
            for (byte[] jpeg : jpegs) {
                content.addObject().put("type", "image_url").putObject("image_url")
                        .put("url", "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg));
            }
            content.addObject().put("type", "text").put("text", text);
        }
        try {
            return json.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply parse(String body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "LLM reply is not JSON: " + abbreviate(body, 200));
        }
        JsonNode content = root.path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) throw new LongVqaException(ErrorCode.TRANSIENT, "LLM reply has no choices[0].message.content");
        JsonNode usage = root.path("usage");
        return new Reply(content.asText().strip(), new Tokens(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0)));
    }

    static String abbreviate(String s, int max) {
        if (s == null) return "";
        String one = s.replace('\n', ' ');
        return one.length() <= max ? one : one.substring(0, max) + "…";
    }
}
