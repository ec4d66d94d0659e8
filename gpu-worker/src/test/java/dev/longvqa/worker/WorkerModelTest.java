package dev.longvqa.worker;

import dev.longvqa.contract.SegmentSummary;
import dev.longvqa.contract.WorkerEnv;

import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The worker's LLM_* settings through the core OpenAI-compatible backend, against a local fake
 * server: what a pass sends, and how the server's failures end (the error names the state
 * machine's Retry matches: LongVqa.THROTTLED / LongVqa.TRANSIENT).
 */
@Timeout(60)
class WorkerModelTest {
    private static FakeLlm llm;

    @BeforeAll
    static void start() throws Exception {
        llm = new FakeLlm();
    }

    @AfterAll
    static void stop() {
        llm.close();
    }

    @BeforeEach
    void reset() {
        llm.behaviour = r -> FakeLlm.Reply.ok("ok");
    }

    private static WorkerEnvironment config(URI base) {
        return new WorkerEnvironment().set(WorkerEnv.TASK_QUEUE_URL, "q").set(WorkerEnv.LLM_BASE_URL, base)
                .set(WorkerEnv.LLM_MODEL, "m1").set(WorkerEnv.LLM_API_KEY, "sk-test").set(WorkerEnv.LLM_RETRIES, 3)
                .set(WorkerEnv.LLM_RETRY_BASE_MS, 10).set(WorkerEnv.LLM_TIMEOUT_SECONDS, 10).set(WorkerEnv.LLM_MAX_TOKENS, 64)
                .set(WorkerEnv.LLM_STARTUP_WAIT_SECONDS, 0); // the start-up gate has tests of its own below
    }

    private static SegmentSummarizer.SegmentWork segment(List<FrameImage> frames) {
        return new SegmentSummarizer.SegmentWork("job", new VideoRef("b", "v.mp4", null, "e", 1L), 0, 2, 0, 10,
                List.of(new SceneInfo(0, 0, 10)), frames);
    }

    @Test
    void aPassSendsTheConfiguredModelKeyTokensAndFramesAndReadsUsage() throws Exception {
        llm.behaviour = r -> new FakeLlm.Reply(200, "  a summary \n", 0, 321, 45);
        int before = llm.requests().size();
        try (WorkerModel model = WorkerModel.open(config(llm.baseUrl()).build())) {
            var r = model.engine().summarize(segment(List.of(new FrameImage(2, "k2", WorkerIntegrationTest.jpeg(2)),
                    new FrameImage(7, "k7", WorkerIntegrationTest.jpeg(7)))));
            assertThat(r.summary()).isEqualTo("a summary");
            assertThat(r.tokens()).isEqualTo(new Tokens(321, 45));
        }
        JsonNode req = llm.requests().get(before);
        assertThat(req.path("model").asText()).isEqualTo("m1");
        assertThat(req.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(req.path("temperature").asDouble()).isZero();
        assertThat(llm.lastAuthorization).isEqualTo("Bearer sk-test");
        assertThat(FakeLlm.imageLabels(req)).containsExactly("2s", "7s");
        assertThat(FakeLlm.userText(req)).contains("Video segment 1 of 2, from 0s to 10s").contains("Describe the video segment in detail.");
    }

    @Test
    void withoutAModelNameTheServersFirstModelIsAskedForOnce() throws Exception {
        int listings = llm.modelListings.get();
        int before = llm.requests().size();
        try (WorkerModel model = WorkerModel.open(config(llm.baseUrl()).unset(WorkerEnv.LLM_MODEL).build())) {
            model.engine().summarize(segment(List.of()));
            model.engine().answer(new Answerer.AnswerRequest("job", null, List.of(new SegmentSummary(0, 0, 10, "s")),
                    new JobQuestion("q", "What?")));
        }
        assertThat(llm.requests().subList(before, before + 2)).allSatisfy(r -> assertThat(r.path("model").asText()).isEqualTo(FakeLlm.SERVED_MODEL));
        assertThat(llm.modelListings.get() - listings).isEqualTo(1);
    }

    @Test
    void serverFailuresEndInTheErrorCodesTheWorkflowRetriesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (WorkerModel model = WorkerModel.open(config(llm.baseUrl()).build())) {
            llm.behaviour = r -> {
                calls.incrementAndGet();
                return new FakeLlm.Reply(429, "slow down", 0, 0, 0);
            };
            assertThat(failure(model).code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(calls.get()).as("LLM_RETRIES attempts, then the workflow's Retry").isEqualTo(3);

            calls.set(0);
            llm.behaviour = r -> {
                calls.incrementAndGet();
                return new FakeLlm.Reply(502, "bad gateway", 0, 0, 0);
            };
            LongVqaException transientFailure = failure(model);
            assertThat(transientFailure.code()).isEqualTo(ErrorCode.TRANSIENT);
            assertThat(transientFailure.getMessage()).contains("HTTP 502").contains("3 attempt");
            assertThat(calls.get()).isEqualTo(3);

            calls.set(0);
            llm.behaviour = r -> {
                calls.incrementAndGet();
                return new FakeLlm.Reply(400, "bad request", 0, 0, 0);
            };
            assertThat(failure(model).code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(calls.get()).as("the same bytes would fail again: no retry").isEqualTo(1);

            llm.behaviour = r -> new FakeLlm.Reply(404, "no such model", 0, 0, 0);
            assertThat(failure(model).code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);

            // recovers within the attempt budget
            calls.set(0);
            llm.behaviour = r -> calls.incrementAndGet() < 3 ? new FakeLlm.Reply(503, "warming up", 0, 0, 0) : FakeLlm.Reply.ok("fine");
            assertThat(model.engine().summarize(segment(List.of())).summary()).isEqualTo("fine");
            assertThat(calls.get()).isEqualTo(3);
        }
    }

    @Test
    void aSidecarThatStopsListeningFailsTheTaskTransientForTheWorkflowsRetry() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + Emulators.freePort() + "/v1");
        try (WorkerModel model = WorkerModel.open(config(closed).set(WorkerEnv.LLM_STARTUP_WAIT_SECONDS, 0).set(WorkerEnv.LLM_RETRY_BASE_MS, 2000).build())) {
            LongVqaException e = failure(model);
            assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
            assertThat(e.getMessage()).contains(closed.toString()).contains("stopped listening");
            // not retried here (the workflow's Retry does it): no backoff loop ran
            assertThat(e.getMessage()).as("not retried here").doesNotContain("gave up after");
        }
    }

    @Test
    void startUpWaitsForTheModelServerToListen() throws Exception {
        int port = Emulators.freePort();
        URI base = URI.create("http://127.0.0.1:" + port + "/v1");
        CompletableFuture<Long> opened = CompletableFuture.supplyAsync(() -> {
            try (WorkerModel ignored = WorkerModel.open(config(base).set(WorkerEnv.LLM_STARTUP_WAIT_SECONDS, 30).build())) {
                return System.nanoTime();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500);
        assertThat(opened).as("no server yet: still waiting").isNotDone();
        long listening = System.nanoTime();
        com.sun.net.httpserver.HttpServer late = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 4);
        late.createContext("/", x -> {
            x.sendResponseHeaders(503, -1); // loading weights: listening is all the gate asks for
            x.close();
        });
        late.start();
        try {
            assertThat(opened.get(10, java.util.concurrent.TimeUnit.SECONDS)).isGreaterThan(listening);
        } finally {
            late.stop(0);
        }
    }

    @Test
    void startUpGivesUpWhenNothingListensWithinTheWait() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + Emulators.freePort() + "/v1");
        long t0 = System.nanoTime();
        LongVqaException e = catchThrowableOfType(LongVqaException.class,
                () -> WorkerModel.open(config(closed).set(WorkerEnv.LLM_STARTUP_WAIT_SECONDS, 1).build()));
        assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
        assertThat(e.getMessage()).contains(closed.toString()).contains("LLM_STARTUP_WAIT_SECONDS");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("it waited out the start-up wait").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anInterruptedPassIsAnInterruptNotAFailureToReport() throws Exception {
        CompletableFuture<Void> arrived = new CompletableFuture<>();
        llm.behaviour = r -> {
            arrived.complete(null);
            return FakeLlm.Reply.ok("too late").after(5000);
        };
        try (WorkerModel model = WorkerModel.open(config(llm.baseUrl()).build())) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread task = Thread.ofPlatform().start(() -> {
                try {
                    model.engine().summarize(segment(List.of()));
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            arrived.get();
            int replies = llm.replying.get();
            task.interrupt();
            Throwable t = outcome.get();
            assertThat(t).isInstanceOf(InterruptedException.class);
            assertThat(llm.replying.get()).as("the pass ended before the model answered").isEqualTo(replies);
        }
    }

    @Test
    void aSpecWinsOverTheBaseUrlAndABadOneFailsAtStartUp() throws Exception {
        WorkerConfig c = config(URI.create("http://unused:1/v1")).set(WorkerEnv.LLM, "openai:" + llm.baseUrl()).build();
        assertThat(c.modelSpec()).isEqualTo("openai:" + llm.baseUrl());
        try (WorkerModel model = WorkerModel.open(c)) {
            assertThat(model.engine().modelId()).contains(llm.baseUrl().toString());
        }
        var e = catchThrowableOfType(LongVqaException.class, () -> WorkerModel.open(config(llm.baseUrl()).set(WorkerEnv.LLM, "nosuch:thing").build()));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    private static LongVqaException failure(WorkerModel model) {
        return catchThrowableOfType(LongVqaException.class, () -> model.engine().summarize(segment(List.of())));
    }
}
