package dev.longvqa.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.pipeline.ErrorCode;
import dev.longvqa.pipeline.LongVqaException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The OpenAI-compatible client against a local server: request shape and error mapping. */
class OpenAiChatTest {
    private static FakeLlm llm;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        llm = new FakeLlm();
    }

    @AfterAll
    static void stop() {
        llm.close();
    }

    private OpenAiChat chat(URI base) {
        return new OpenAiChat(json, base, "m1", "sk-test", 3, Duration.ofMillis(10), Duration.ofSeconds(10));
    }

    @Test
    void sendsImagesAsDataUrlsThenTextAndReadsUsage() throws Exception {
        llm.behaviour = r -> new FakeLlm.Reply(200, "  a summary \n", 0, 321, 45);
        int before = llm.requests().size();
        OpenAiChat.Reply reply = chat(llm.baseUrl()).complete("sys", "describe", List.of(new byte[]{1, 2, 3}), 64);
        assertThat(reply.text()).isEqualTo("a summary");
        assertThat(reply.tokens()).isEqualTo(new Tokens(321, 45));
        JsonNode req = llm.requests().get(before);
        assertThat(req.path("model").asText()).isEqualTo("m1");
        assertThat(req.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(req.path("temperature").asDouble()).isZero();
        assertThat(req.path("messages").get(0).path("content").asText()).isEqualTo("sys");
        JsonNode content = req.path("messages").get(1).path("content");
        assertThat(content.get(0).path("image_url").path("url").asText()).isEqualTo("data:image/jpeg;base64,AQID");
        assertThat(content.get(1).path("text").asText()).isEqualTo("describe");
        assertThat(llm.lastAuthorization).isEqualTo("Bearer sk-test");
    }

    @Test
    void mapsHttpFailuresToErrorCodes() {
        AtomicInteger calls = new AtomicInteger();
        llm.behaviour = r -> {
            calls.incrementAndGet();
            return new FakeLlm.Reply(429, "slow down", 0, 0, 0);
        };
        assertThat(failure().code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(calls.get()).isEqualTo(3);

        calls.set(0);
        llm.behaviour = r -> {
            calls.incrementAndGet();
            return new FakeLlm.Reply(400, "bad request", 0, 0, 0);
        };
        assertThat(failure().code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(calls.get()).isEqualTo(1); // the same bytes would fail again: no retry

        llm.behaviour = r -> new FakeLlm.Reply(404, "no such model", 0, 0, 0);
        assertThat(failure().code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);

        // recovers within the attempt budget
        calls.set(0);
        llm.behaviour = r -> calls.incrementAndGet() < 3 ? new FakeLlm.Reply(503, "warming up", 0, 0, 0) : FakeLlm.Reply.ok("fine");
        try {
            assertThat(chat(llm.baseUrl()).complete(null, "q", List.of(), 8).text()).isEqualTo("fine");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unreachableServerIsTransient() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + Emulators.freePort() + "/v1");
        var e = catchThrowableOfType(LongVqaException.class, () -> chat(closed).complete(null, "q", List.of(), 8));
        assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
        assertThat(e.getMessage()).contains("unreachable");
    }

    private LongVqaException failure() {
        return catchThrowableOfType(LongVqaException.class, () -> chat(llm.baseUrl()).complete(null, "q", List.of(), 8));
    }
}
