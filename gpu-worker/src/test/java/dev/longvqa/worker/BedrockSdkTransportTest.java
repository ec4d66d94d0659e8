package dev.longvqa.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import dev.longvqa.reason.backend.BackendOptions;
import dev.longvqa.reason.backend.LanguageModels;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** bedrock:MODEL through the real SDK client against a local server speaking Converse's REST protocol. */
class BedrockSdkTransportTest {
    private HttpServer server;
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    private LanguageModel start(int throttleFirst) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            paths.add(ex.getRequestURI().getRawPath());
            bodies.add(dev.longvqa.contract.Json.mapper().readTree(ex.getRequestBody()));
            boolean throttle = calls.incrementAndGet() <= throttleFirst;
            byte[] b = (throttle ? "{\"message\":\"slow down\"}"
                    : "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"a red ball\"}]}},"
                    + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":42,\"outputTokens\":3,\"totalTokens\":45},"
                    + "\"metrics\":{\"latencyMs\":5}}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            if (throttle) ex.getResponseHeaders().add("x-amzn-ErrorType", "ThrottlingException");
            ex.sendResponseHeaders(throttle ? 429 : 200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))) // retries are the backend's job
                .build();
        return LanguageModels.fromSpec("bedrock:test.model-v1", BackendOptions.builder().converse(new BedrockSdkTransport(client)).build());
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    @Test
    void textAndFramesGoOutAsConverseBlocks() throws Exception {
        try (LanguageModel model = start(0)) {
            Completion c = model.complete(new Prompt("be brief", List.of(Part.text("At 3s:"),
                    new Part.Image(new RgbImage(8, 8, new byte[8 * 8 * 3])), Part.text("What is shown?"))), DecodingSettings.greedy(20));
            assertThat(c.text()).isEqualTo("a red ball");
            assertThat(c.promptTokens()).isEqualTo(42);
            assertThat(c.completionTokens()).isEqualTo(3);
            assertThat(paths).containsExactly("/model/test.model-v1/converse");
            JsonNode body = bodies.getFirst();
            assertThat(body.at("/system/0/text").asText()).isEqualTo("be brief");
            JsonNode content = body.at("/messages/0/content");
            assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
            assertThat(content.toString()).contains("At 3s:").contains("What is shown?");
            JsonNode image = null;
            for (JsonNode block : content) if (block.has("image")) image = block.get("image");
            assertThat(image).isNotNull();
            assertThat(image.get("format").asText()).isEqualTo("jpeg");
            assertThat(java.util.Base64.getDecoder().decode(image.at("/source/bytes").asText())).startsWith((byte) 0xFF, (byte) 0xD8);
            assertThat(body.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(20);
        }
    }

    @Test
    void throttlingIsRetriedByTheBackendThenSucceeds() throws Exception {
        try (LanguageModel model = start(1)) {
            assertThat(model.complete(new Prompt(null, List.of(Part.text("hi"))), DecodingSettings.greedy(5)).text()).isEqualTo("a red ball");
            assertThat(paths).hasSize(2);
        }
    }

    @Test
    void endlessThrottlingEndsThrottled() throws Exception {
        try (LanguageModel model = start(Integer.MAX_VALUE)) {
            assertThatThrownBy(() -> model.complete(new Prompt(null, List.of(Part.text("hi"))), DecodingSettings.greedy(5)))
                    .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED));
            assertThat(paths.size()).isBetween(2, 10);
        }
    }
}
