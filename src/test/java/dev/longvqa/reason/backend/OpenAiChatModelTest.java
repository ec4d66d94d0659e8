package dev.longvqa.reason.backend;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.FakeLlmServer;
import dev.longvqa.reason.FakeLlmServer.Reply;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transport semantics of the OpenAI-compatible chat backend: discovery, retries, errors. */
class OpenAiChatModelTest {
    private static final Prompt HELLO = new Prompt("Be brief.", List.of(Part.text("Hello")));
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(20), 2.0);
    private FakeLlmServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private LanguageModel model(BackendOptions.Builder b) {
        return LanguageModels.fromSpec("openai:" + server.base(), b.build());
    }

    @Test
    void discoversTheModelNameOnceAndSendsSystemPromptAndBearerToken() throws Exception {
        server = new FakeLlmServer(r -> r.path().equals("/v1/models")
                ? Reply.ok(FakeLlmServer.models("Qwen/Qwen2-VL-7B-Instruct", "other"))
                : Reply.ok(FakeLlmServer.chat("Hi.", 7, 2)));
        LanguageModel m = model(BackendOptions.builder().apiKey("sk-test").retry(FAST));

        Completion c1 = m.complete(HELLO, DecodingSettings.greedy(16));
        m.complete(HELLO, DecodingSettings.greedy(16));

        assertThat(server.requests()).extracting(FakeLlmServer.Request::path)
                .containsExactly("/v1/models", "/v1/chat/completions", "/v1/chat/completions");
        assertThat(server.requests()).extracting(FakeLlmServer.Request::authorization).containsOnly("Bearer sk-test");
        assertThat(server.requests().get(1).json().toString()).isEqualTo(
                "{\"model\":\"Qwen/Qwen2-VL-7B-Instruct\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}],\"max_tokens\":16,\"temperature\":0.0}");
        assertThat(c1).isEqualTo(new Completion("Hi.", "tdc-qwen", 7, 2, "stop"));
        assertThat(m.cacheId()).startsWith("openai-chat:Qwen/Qwen2-VL-7B-Instruct:");
    }

    @Test
    void serverWithoutModelsIsUnavailable() throws Exception {
        server = new FakeLlmServer(r -> Reply.ok(FakeLlmServer.models()));
        assertThatThrownBy(() -> model(BackendOptions.builder().retry(FAST)).complete(HELLO, DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("lists no models");
                });
    }

    @Test
    void throttledOnceThenServed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = new FakeLlmServer(r -> calls.incrementAndGet() == 1
                ? new Reply(429, "{\"error\":\"slow down\"}", "0", 0)
                : Reply.ok(FakeLlmServer.chat("after retry", 3, 2)));
        Completion c = model(BackendOptions.builder().model("m").retry(FAST)).complete(HELLO, DecodingSettings.greedy(4));
        assertThat(c.text()).isEqualTo("after retry");
        assertThat(server.requests()).hasSize(2);
        assertThat(server.requests().get(0).body()).isEqualTo(server.requests().get(1).body());
    }

    @Test
    void serverErrorsForeverGiveTransientAfterBoundedAttempts() throws Exception {
        server = new FakeLlmServer(r -> new Reply(503, "{\"error\":\"loading\"}", null, 0));
        assertThatThrownBy(() -> model(BackendOptions.builder().model("m").retry(FAST)).complete(HELLO, DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
                    assertThat(e.code().retryable()).isTrue();
                    assertThat(e.getMessage()).contains("gave up after 3 attempt(s)").contains("HTTP 503").contains("loading");
                });
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void throttledForeverGivesThrottled() throws Exception {
        server = new FakeLlmServer(r -> new Reply(429, "{}", null, 0));
        assertThatThrownBy(() -> model(BackendOptions.builder().model("m").retry(FAST)).complete(HELLO, DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED));
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void slowServerTimesOutAsTransient() throws Exception {
        server = new FakeLlmServer(r -> new Reply(200, FakeLlmServer.chat("late", 1, 1), null, 5_000));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> model(BackendOptions.builder().model("m").requestTimeout(Duration.ofMillis(200))
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5), 2.0))).complete(HELLO, DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
                    assertThat(e.getMessage()).contains("no response within 200 ms").contains("gave up after 2 attempt(s)");
                });
        // The server need not have read the second attempt: the JDK client may queue it on the connection
        // the stalled first reply still holds. The client's own count (above) is the retry behaviour.
        assertThat(server.requests()).isNotEmpty();
        // Each attempt waited out its own timeout (a lower bound); that it did not wait for the slow
        // reply is the TRANSIENT failure itself: a client that waited would have returned "late".
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(2 * 200));
    }

    @Test
    void noServerIsModelUnavailableWithoutRetrying() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LanguageModel m = LanguageModels.fromSpec("openai:http://127.0.0.1:" + port + "/v1",
                BackendOptions.builder().model("m").retry(new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(2), 2)).build());
        assertThatThrownBy(() -> m.complete(HELLO, DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
                    assertThat(e.code().kind().exitCode()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("no language model server at http://127.0.0.1:" + port + "/v1").contains("connection refused");
                    // Not the retry loop's "gave up after N attempt(s)": one attempt, no backoff.
                    assertThat(e.getMessage()).doesNotContain("gave up after");
                });
    }

    @Test
    void unknownModelIsUnavailableAndBadRequestIsNotRetried() throws Exception {
        server = new FakeLlmServer(r -> new Reply(404, "{\"error\":\"model nope does not exist\"}", null, 0));
        assertThatThrownBy(() -> model(BackendOptions.builder().model("nope").retry(FAST)).complete(HELLO, DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("model nope does not exist");
                });
        server.respond(r -> new Reply(400, "{\"error\":\"context length exceeded\"}", null, 0));
        assertThatThrownBy(() -> model(BackendOptions.builder().model("m").retry(FAST)).complete(HELLO, DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).contains("HTTP 400").contains("context length exceeded");
                });
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void backoffGrowsWithJitterAndHonoursRetryAfterUpToTheCap() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000), 2.0);
        for (int i = 0; i < 50; i++) {
            assertThat(p.backoff(1, null).toMillis()).isBetween(50L, 100L);
            assertThat(p.backoff(3, null).toMillis()).isBetween(200L, 400L);
            assertThat(p.backoff(10, null).toMillis()).isBetween(500L, 1000L);
        }
        assertThat(p.backoff(1, Duration.ofSeconds(30)).toMillis()).isEqualTo(1000L);
    }
}
