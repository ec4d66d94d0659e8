package dev.longvqa.worker;

import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.WorkerEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.pipeline.JobId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker against real emulators (ElasticMQ, dynalite), a fake Step Functions
 * task-token endpoint spoken to by the real SDK client, a local OpenAI-compatible server, and
 * the filesystem blob store. Timings are shortened through config, not mocked.
 */
class WorkerIntegrationTest {
    private static final String BUCKET = "media";
    private static final String TABLE = "jobs";
    private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();

    private static Emulators emu;
    private static FakeStepFunctions sfn;
    private static FakeLlm llm;

    @TempDir
    Path root;
    private final List<WorkerApp> apps = new ArrayList<>();
    private String jobId;
    private VideoRef video;

    @BeforeAll
    static void startEmulators() throws Exception {
        emu = new Emulators();
        emu.createJobsTable(TABLE);
        sfn = new FakeStepFunctions();
        llm = new FakeLlm();
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        llm.close();
        sfn.close();
        emu.close();
    }

    @BeforeEach
    void seedVideo() throws Exception {
        String key = "videos/" + UUID.randomUUID() + ".mp4";
        video = new VideoRef(BUCKET, key, null, "\"etag-1\"", 1234L);
        jobId = JobId.of(BUCKET, key, null, "\"etag-1\"").value();
        Path job = root.resolve(BUCKET).resolve("jobs").resolve(jobId);
        // three 10 s scenes; the decode step sampled 1 fps into range 0
        Files.createDirectories(job);
        Files.writeString(job.resolve("scenes.json"), """
                {"durationSec": 30.0, "scenes": [
                  {"index": 0, "startSec": 0.0, "endSec": 10.0, "representativeSec": 5.0},
                  {"index": 1, "startSec": 10.0, "endSec": 20.0, "representativeSec": 15.0},
                  {"index": 2, "startSec": 20.0, "endSec": 30.0, "representativeSec": 25.0}]}""");
        writeFrames(job, 30);
        llm.behaviour = r -> FakeLlm.Reply.ok("ok");
    }

    @AfterEach
    void stopWorkers() {
        apps.forEach(WorkerApp::kill);
    }

    @Test
    void segmentTaskHeartbeatsDuringSlowLlmThenReportsAndCaches() throws Exception {
        var q = emu.queues("seg-" + UUID.randomUUID(), 5, 3);
        llm.behaviour = r -> FakeLlm.Reply.ok("A person walks in, then sits down.").after(1500);
        WorkerApp app = start(WorkerConfig.of(config(q)));
        int before = llm.requests().size();

        String token = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(token, 0, 0.0, 20.0));
        await(Duration.ofSeconds(15), () -> !sfn.accepted("SendTaskSuccess", token).isEmpty(), "SendTaskSuccess");

        var success = sfn.accepted("SendTaskSuccess", token).getFirst();
        var beats = sfn.accepted("SendTaskHeartbeat", token);
        assertThat(beats).isNotEmpty();
        assertThat(beats.getFirst().atMillis()).isLessThan(success.atMillis());
        JsonNode out = JSON.readTree(success.output());
        String segmentKey = "jobs/" + jobId + "/segments/0.json";
        assertThat(out.path("segmentKey").asText()).isEqualTo(segmentKey);
        assertThat(out.path("tokens").path("prompt").asLong()).isEqualTo(100);
        assertThat(out.path("tokens").path("completion").asLong()).isEqualTo(10);
        assertThat(out.path("cached").asBoolean()).isFalse();

        JsonNode segment = JSON.readTree(root.resolve(BUCKET).resolve(segmentKey).toFile());
        assertThat(segment.path("summary").asText()).isEqualTo("A person walks in, then sits down.");
        assertThat(segment.path("startSec").asDouble()).isEqualTo(0.0);
        assertThat(segment.path("endSec").asDouble()).isEqualTo(20.0);

        // the pass saw the two scenes of 0-20 s: the frames at their representative times
        JsonNode request = llm.requests().get(before);
        assertThat(request.path("model").asText()).isEqualTo("test-model");
        assertThat(FakeLlm.imageUrls(request).stream().map(WorkerIntegrationTest::frameShown)).containsExactly(5, 15);
        assertThat(FakeLlm.imageLabels(request)).containsExactly("5s", "15s");
        assertThat(FakeLlm.userText(request)).contains("from 0s to 20s", "Scenes: 0s–10s, 10s–20s.").doesNotContain("25s");
        assertThat(segment.path("frameTimesSec")).extracting(JsonNode::asDouble).containsExactly(5.0, 15.0);

        await(Duration.ofSeconds(5), () -> emu.messagesIn(q.url()) == 0, "message deleted");

        // same video, same segment, another execution: served from cache, no LLM pass
        String token2 = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(token2, 0, 0.0, 20.0));
        await(Duration.ofSeconds(10), () -> !sfn.accepted("SendTaskSuccess", token2).isEmpty(), "cached SendTaskSuccess");
        JsonNode out2 = JSON.readTree(sfn.accepted("SendTaskSuccess", token2).getFirst().output());
        assertThat(out2.path("cached").asBoolean()).isTrue();
        assertThat(out2.path("tokens").path("prompt").asLong()).isZero();
        assertThat(llm.requests()).hasSize(before + 1);

        // the counters move right after the report: wait for them rather than race them
        await(Duration.ofSeconds(5), () -> app.worker().stats().processed() == 2 && app.worker().stats().inFlight() == 0, "both counted");
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.healthPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode h = JSON.readTree(health.body());
        assertThat(h.path("status").asText()).isEqualTo("UP");
        assertThat(h.path("processed").asLong()).isEqualTo(2);
        assertThat(h.path("failed").asLong()).isZero();
        assertThat(h.path("inFlight").asInt()).isZero();
    }

    @Test
    void answerTaskAnswersEveryQuestionFromTheSummariesAndFramesOfTheWholeVideo() throws Exception {
        var q = emu.queues("ans-" + UUID.randomUUID(), 5, 3);
        writeSummaries();
        start(WorkerConfig.of(config(q)));
        int before = llm.requests().size();

        String token = "tok-" + UUID.randomUUID();
        send(q.url(), answerBody(token));
        await(Duration.ofSeconds(15), () -> !sfn.accepted("SendTaskSuccess", token).isEmpty(), "SendTaskSuccess");

        JsonNode out = JSON.readTree(sfn.accepted("SendTaskSuccess", token).getFirst().output());
        assertThat(out.path("answers")).hasSize(2);
        assertThat(out.path("answers").get(0).path("questionId").asText()).isEqualTo("q0");
        assertThat(out.path("answers").get(0).path("answer").asText()).isEqualTo("answer to What enters?");
        assertThat(out.path("answers").get(1).path("answerKey").asText()).isEqualTo("jobs/" + jobId + "/answers/q1.json");
        assertThat(out.path("tokens").path("prompt").asLong()).isEqualTo(200);
        JsonNode stored = JSON.readTree(root.resolve(BUCKET).resolve("jobs/" + jobId + "/answers/q1.json").toFile());
        assertThat(stored.path("answer").asText()).isEqualTo("answer to What happens at the end?");
        assertThat(stored.path("question").asText()).isEqualTo("What happens at the end?");

        // WORKER_MAX_FRAMES (8) of the 30 stored frames, spread over the whole 30 s as `longvqa ask` spreads them
        List<Integer> expected = List.of(1, 5, 9, 13, 16, 20, 24, 28);
        assertThat(stored.path("frameTimesSec")).extracting(JsonNode::asInt).containsExactlyElementsOf(expected);
        for (JsonNode request : llm.requests().subList(before, before + 2)) {
            assertThat(FakeLlm.imageUrls(request).stream().map(WorkerIntegrationTest::frameShown)).containsExactlyElementsOf(expected);
            assertThat(FakeLlm.imageLabels(request)).containsExactly("1s", "5s", "9s", "13s", "16s", "20s", "24s", "28s");
        }
        // LVCoT layout: the video with its times, then the summaries in segment order inside <think>, then the question
        String text = FakeLlm.userText(llm.requests().get(before));
        assertThat(text).startsWith("Video from 0s to 30s. Scenes: 0s–10s, 10s–20s, 20s–30s.");
        assertThat(text.indexOf("<think>")).isPositive();
        assertThat(text.indexOf("A cat enters.")).isLessThan(text.indexOf("The cat leaves."));
        assertThat(text.indexOf("</think>")).isLessThan(text.indexOf("What enters?"));
        await(Duration.ofSeconds(5), () -> emu.messagesIn(q.url()) == 0, "message deleted");
    }

    @Test
    void aZeroFrameBudgetMakesBothPassesTextOnly() throws Exception {
        var q = emu.queues("text-" + UUID.randomUUID(), 5, 3);
        writeSummaries();
        start(with(config(q), WorkerEnv.MAX_FRAMES, "0"));
        int before = llm.requests().size();
        String seg = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(seg, 0, 0.0, 20.0));
        await(Duration.ofSeconds(15), () -> !sfn.accepted("SendTaskSuccess", seg).isEmpty(), "segment SendTaskSuccess");
        String ans = "tok-" + UUID.randomUUID();
        send(q.url(), answerBody(ans));
        await(Duration.ofSeconds(15), () -> !sfn.accepted("SendTaskSuccess", ans).isEmpty(), "answer SendTaskSuccess");

        List<JsonNode> requests = llm.requests().subList(before, before + 3);
        assertThat(requests).allSatisfy(r -> assertThat(FakeLlm.imageUrls(r)).isEmpty());
        assertThat(FakeLlm.userText(requests.get(1))).startsWith("<think>");
        JsonNode stored = JSON.readTree(root.resolve(BUCKET).resolve("jobs/" + jobId + "/answers/q0.json").toFile());
        assertThat(stored.path("frameTimesSec")).isEmpty();
        assertThat(stored.path("answer").asText()).isEqualTo("answer to What enters?");
        await(Duration.ofSeconds(5), () -> emu.messagesIn(q.url()) == 0, "messages deleted");
    }

    @Test
    void llmFailingForeverEndsInTransientTaskFailureAfterBoundedRetries() throws Exception {
        var q = emu.queues("fail-" + UUID.randomUUID(), 5, 3);
        AtomicInteger calls = new AtomicInteger();
        llm.behaviour = r -> {
            calls.incrementAndGet();
            return new FakeLlm.Reply(500, "boom", 0, 0, 0);
        };
        WorkerApp app = start(WorkerConfig.of(config(q)));
        String token = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(token, 1, 20.0, 30.0));
        await(Duration.ofSeconds(15), () -> !sfn.accepted("SendTaskFailure", token).isEmpty(), "SendTaskFailure");

        var failure = sfn.accepted("SendTaskFailure", token).getFirst();
        assertThat(failure.error()).isEqualTo("LongVqa.TRANSIENT");
        assertThat(failure.cause()).contains("HTTP 500").contains("3 attempt");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(sfn.calls("SendTaskSuccess", token)).isEmpty();
        await(Duration.ofSeconds(5), () -> emu.messagesIn(q.url()) == 0, "message deleted");
        assertThat(app.worker().stats().failed()).isEqualTo(1);

        // throttled for good: the other error name the state's Retry matches
        calls.set(0);
        llm.behaviour = r -> {
            calls.incrementAndGet();
            return new FakeLlm.Reply(429, "rate limited", 0, 0, 0);
        };
        String token2 = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(token2, 1, 20.0, 30.0));
        await(Duration.ofSeconds(15), () -> !sfn.accepted("SendTaskFailure", token2).isEmpty(), "throttled SendTaskFailure");
        assertThat(sfn.accepted("SendTaskFailure", token2).getFirst().error()).isEqualTo("LongVqa.THROTTLED");
        assertThat(calls.get()).isEqualTo(3);
        await(Duration.ofSeconds(5), () -> emu.messagesIn(q.url()) == 0, "throttled message deleted");
    }

    @Test
    void unreadableMessageIsNotDeletedEndsInDlqAndMarksTheJobRow() throws Exception {
        var q = emu.queues("poison-" + UUID.randomUUID(), 1, 2);
        emu.dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("jobId", AttributeValue.fromS(jobId),
                "status", AttributeValue.fromS("REASONING"))));
        WorkerApp app = start(WorkerConfig.of(config(q))); // maxReceiveCount comes from the queue's redrive policy
        String body = "{\"type\":\"segment\",\"jobId\":\"" + jobId + "\"}"; // no task token: nobody to report to
        send(q.url(), body);

        await(Duration.ofSeconds(20), () -> emu.messagesIn(q.dlqUrl()) == 1, "message in the DLQ");
        assertThat(emu.messagesIn(q.url())).isZero();
        List<Message> dead = emu.sqs.receiveMessage(b -> b.queueUrl(q.dlqUrl())).messages();
        assertThat(dead).singleElement().extracting(Message::body).isEqualTo(body);

        Map<String, AttributeValue> row = emu.dynamo.getItem(b -> b.tableName(TABLE).consistentRead(true)
                .key(Map.of("jobId", AttributeValue.fromS(jobId)))).item();
        assertThat(row.get("status").s()).isEqualTo("REASONING"); // the execution still owns the status
        assertThat(row.get("deadLetter").m().get("receiveCount").n()).isEqualTo("2");
        assertThat(row.get("deadLetter").m().get("reason").s()).contains("taskToken");
        assertThat(app.worker().stats().poison()).isEqualTo(2);
        assertThat(sfn.calls().stream().filter(c -> c.token().isEmpty())).isEmpty();
    }

    @Test
    void badMessageWithATokenFailsTheTaskAtOnce() throws Exception {
        var q = emu.queues("badreq-" + UUID.randomUUID(), 5, 3);
        start(WorkerConfig.of(config(q)));
        String token = "tok-" + UUID.randomUUID();
        ObjectNode body = base(token, "segment"); // segment task without its segment
        send(q.url(), JSON.writeValueAsString(body));
        await(Duration.ofSeconds(10), () -> !sfn.accepted("SendTaskFailure", token).isEmpty(), "SendTaskFailure");
        assertThat(sfn.accepted("SendTaskFailure", token).getFirst().error()).isEqualTo("LongVqa.BAD_REQUEST");
        await(Duration.ofSeconds(5), () -> emu.messagesIn(q.url()) == 0, "message deleted");
    }

    @Test
    void taskOfAKilledWorkerIsFinishedExactlyOnceByAnother() throws Exception {
        var q = emu.queues("kill-" + UUID.randomUUID(), 2, 5);
        AtomicInteger n = new AtomicInteger();
        llm.behaviour = r -> n.incrementAndGet() == 1
                ? FakeLlm.Reply.ok("from the killed worker").after(4000)
                : FakeLlm.Reply.ok("from the second worker");
        WorkerApp first = start(WorkerConfig.of(config(q)));
        String token = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(token, 0, 0.0, 20.0));
        await(Duration.ofSeconds(10), () -> n.get() == 1, "first LLM request");
        long killedAt = System.currentTimeMillis();
        first.kill();
        assertThat(sfn.calls("SendTaskSuccess", token)).isEmpty();
        assertThat(sfn.calls("SendTaskFailure", token)).isEmpty();

        start(WorkerConfig.of(config(q)));
        await(Duration.ofSeconds(15), () -> !sfn.accepted("SendTaskSuccess", token).isEmpty(), "SendTaskSuccess from the second worker");
        // past the first worker's slow reply and another visibility timeout: still exactly one report
        Thread.sleep(Math.max(0, killedAt + 5000 - System.currentTimeMillis()));
        assertThat(sfn.calls("SendTaskSuccess", token)).hasSize(1);
        assertThat(sfn.calls("SendTaskFailure", token)).isEmpty();
        JsonNode segment = JSON.readTree(root.resolve(BUCKET).resolve("jobs/" + jobId + "/segments/0.json").toFile());
        assertThat(segment.path("summary").asText()).isEqualTo("from the second worker");
        assertThat(emu.messagesIn(q.url())).isZero();
    }

    @Test
    void gracefulShutdownFinishesTheTaskInFlight() throws Exception {
        var q = emu.queues("drain-" + UUID.randomUUID(), 5, 3);
        AtomicInteger n = new AtomicInteger();
        llm.behaviour = r -> {
            n.incrementAndGet();
            return FakeLlm.Reply.ok("drained").after(1500);
        };
        WorkerApp app = start(WorkerConfig.of(config(q)));
        String token = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(token, 0, 0.0, 20.0));
        await(Duration.ofSeconds(10), () -> n.get() == 1, "LLM request");

        assertThat(app.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(sfn.accepted("SendTaskSuccess", token)).hasSize(1);
        assertThat(emu.messagesIn(q.url())).isZero();
        assertThat(app.worker().stats().processed()).isEqualTo(1);
        assertThat(app.worker().running()).isFalse();
    }

    @Test
    void workerProcessDrainsItsTaskOnSigterm() throws Exception {
        // the real entry point in a child JVM, configured only through the environment (endpoints
        // via AWS_ENDPOINT_URL_<SERVICE>, as the SDK resolves them), stopped with a real SIGTERM
        var q = emu.queues("sigterm-" + UUID.randomUUID(), 5, 3);
        AtomicInteger n = new AtomicInteger();
        llm.behaviour = r -> {
            n.incrementAndGet();
            return FakeLlm.Reply.ok("drained on SIGTERM").after(2500);
        };
        int healthPort = Emulators.freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
        pb.environment().putAll(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), q.url(), WorkerEnv.TABLE.variable(), TABLE, "LLM_BASE_URL", llm.baseUrl().toString(),
                "WORKER_BLOB_ROOT", root.toString(), "HEALTH_PORT", Integer.toString(healthPort), "WORKER_WAIT_SECONDS", "1",
                "AWS_ENDPOINT_URL_SQS", emu.sqsEndpoint.toString(), "AWS_ENDPOINT_URL_SFN", sfn.endpoint().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", emu.dynamoEndpoint.toString()));
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1"));
        pb.redirectErrorStream(true).redirectOutput(root.resolve("worker.log").toFile());
        Process worker = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/ready")).build();
            await(Duration.ofSeconds(40), () -> {
                try {
                    return http.send(ready, HttpResponse.BodyHandlers. discarding()).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            }, "worker process ready");
            String token = "tok-" + UUID.randomUUID();
            send(q.url(), segmentBody(token, 0, 0.0, 20.0));
            await(Duration.ofSeconds(15), () -> n.get() == 1, "LLM request from the worker process");

            worker.destroy(); // SIGTERM
            assertThat(worker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(sfn.accepted("SendTaskSuccess", token)).hasSize(1);
            assertThat(emu.messagesIn(q.url())).isZero();
            assertThat(Files.readString(root.resolve("worker.log"))).contains("SIGTERM: draining").contains("drained; exiting");
        } finally {
            worker.destroyForcibly();
        }
    }

    @Test
    void shutdownPastTheGraceHandsTheTaskBackForAnotherWorker() throws Exception {
        // a long visibility: only the hand-back (visibility 0) lets the next worker start at once
        var q = emu.queues("handback-" + UUID.randomUUID(), 30, 3);
        AtomicInteger n = new AtomicInteger();
        llm.behaviour = r -> n.incrementAndGet() == 1 ? FakeLlm.Reply.ok("too slow").after(5000) : FakeLlm.Reply.ok("second try");
        WorkerApp first = start(with(config(q), WorkerEnv.VISIBILITY_SECONDS, "30"));
        String token = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(token, 0, 0.0, 20.0));
        await(Duration.ofSeconds(10), () -> n.get() == 1, "LLM request");

        assertThat(first.stop(Duration.ofMillis(300))).isFalse();
        assertThat(first.worker().stats().handedBack()).isEqualTo(1);
        assertThat(sfn.calls("SendTaskSuccess", token)).isEmpty();

        start(WorkerConfig.of(config(q)));
        await(Duration.ofSeconds(10), () -> !sfn.accepted("SendTaskSuccess", token).isEmpty(), "SendTaskSuccess from the second worker");
        assertThat(sfn.calls("SendTaskSuccess", token)).hasSize(1);
    }

    @Test
    void messageWhoseTokenTimedOutIsDeletedNotRetried() throws Exception {
        var q = emu.queues("gone-" + UUID.randomUUID(), 1, 5);
        AtomicInteger n = new AtomicInteger();
        llm.behaviour = r -> {
            n.incrementAndGet();
            return FakeLlm.Reply.ok("wasted");
        };
        WorkerApp app = start(WorkerConfig.of(config(q)));
        String token = "tok-" + UUID.randomUUID();
        sfn.expire.add(token); // e.g. a redelivery after the execution timed out
        send(q.url(), segmentBody(token, 0, 0.0, 20.0));
        await(Duration.ofSeconds(10), () -> !sfn.calls("SendTaskHeartbeat", token).isEmpty(), "first heartbeat");
        await(Duration.ofSeconds(5), () -> emu.messagesIn(q.url()) == 0, "message deleted");
        Thread.sleep(2500); // beyond the queue's visibility timeout: a kept message would be back by now
        assertThat(sfn.calls("SendTaskHeartbeat", token)).hasSize(1);
        assertThat(sfn.calls("SendTaskSuccess", token)).isEmpty();
        assertThat(n.get()).as("no model time spent on a finished token").isZero();
        assertThat(emu.messagesIn(q.dlqUrl())).isZero();
        assertThat(app.worker().stats().tokenGone()).isEqualTo(1);
    }

    @Test
    void tokenTimingOutMidTaskStopsTheTaskAndDropsTheMessage() throws Exception {
        var q = emu.queues("midgone-" + UUID.randomUUID(), 5, 3);
        AtomicInteger n = new AtomicInteger();
        llm.behaviour = r -> {
            n.incrementAndGet();
            return FakeLlm.Reply.ok("too late").after(6000);
        };
        WorkerApp app = start(WorkerConfig.of(config(q)));
        String token = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(token, 0, 0.0, 20.0));
        await(Duration.ofSeconds(10), () -> n.get() == 1, "LLM request");
        int replies = llm.replying.get();
        sfn.expire.add(token); // the state's HeartbeatSeconds ran out

        await(Duration.ofSeconds(5), () -> app.worker().stats().tokenGone() == 1, "token noticed gone");
        // the next heartbeat noticed it: the task stopped before the LLM answered at all
        assertThat(llm.replying.get()).as("replies the LLM had started when the task stopped").isEqualTo(replies);
        await(Duration.ofSeconds(5), () -> emu.messagesIn(q.url()) == 0, "message deleted");
        assertThat(sfn.calls("SendTaskSuccess", token)).isEmpty();
        assertThat(sfn.calls("SendTaskFailure", token)).isEmpty();
        // the slot is freed after the delete (the task's finally), so wait for it rather than race it
        await(Duration.ofSeconds(5), () -> app.worker().stats().inFlight() == 0, "slot freed");
    }

    @Test
    void slotsBoundConcurrency() throws Exception {
        var q = emu.queues("slots-" + UUID.randomUUID(), 10, 3);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        llm.behaviour = r -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return FakeLlm.Reply.ok("s");
        };
        start(with(config(q), WorkerEnv.CONCURRENCY, "2"));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String token = "tok-" + UUID.randomUUID();
            tokens.add(token);
            // distinct segments, so none is a cache hit of another
            send(q.url(), segmentBody(token, i, i * 5.0, i * 5.0 + 5.0));
        }
        await(Duration.ofSeconds(20), () -> tokens.stream().allMatch(t -> !sfn.accepted("SendTaskSuccess", t).isEmpty()), "all five");
        assertThat(peak.get()).isEqualTo(2);
    }

    // --- helpers ---

    /** The worker's environment for these tests: the emulators, short timings. */
    private Map<WorkerEnv, String> config(Emulators.Queues q) {
        Map<WorkerEnv, String> c = WorkerConfig.values();
        c.put(WorkerEnv.TASK_QUEUE_URL, q.url());
        c.put(WorkerEnv.TABLE, TABLE);
        c.put(WorkerEnv.LLM_BASE_URL, llm.baseUrl().toString());
        c.put(WorkerEnv.LLM_MODEL, "test-model");
        c.put(WorkerEnv.WAIT_SECONDS, "1");
        c.put(WorkerEnv.HEARTBEAT_SECONDS, "0.3");
        c.put(WorkerEnv.VISIBILITY_SECONDS, "2");
        c.put(WorkerEnv.POISON_BACKOFF_SECONDS, "1");
        c.put(WorkerEnv.SHUTDOWN_GRACE_SECONDS, "10");
        c.put(WorkerEnv.HEALTH_PORT, "0");
        c.put(WorkerEnv.LLM_RETRIES, "3");
        c.put(WorkerEnv.LLM_RETRY_BASE_MS, "50");
        c.put(WorkerEnv.LLM_TIMEOUT_SECONDS, "30");
        c.put(WorkerEnv.SQS_ENDPOINT, emu.sqsEndpoint.toString());
        c.put(WorkerEnv.SFN_ENDPOINT, sfn.endpoint().toString());
        c.put(WorkerEnv.DYNAMODB_ENDPOINT, emu.dynamoEndpoint.toString());
        c.put(WorkerEnv.BLOB_ROOT, root.toString());
        return c;
    }

    private static WorkerConfig with(Map<WorkerEnv, String> base, WorkerEnv name, String value) {
        base.put(name, value);
        return WorkerConfig.of(base);
    }

    private WorkerApp start(WorkerConfig c) throws Exception {
        WorkerApp app = WorkerApp.start(c);
        apps.add(app);
        return app;
    }

    private ObjectNode base(String token, String type) {
        ObjectNode body = JSON.createObjectNode();
        body.put("taskToken", token).put("type", type).put("jobId", jobId);
        body.putObject("video").put("bucket", video.bucket()).put("key", video.key()).put("etag", video.etag())
                .put("sizeBytes", video.sizeBytes());
        body.put("scenesKey", "jobs/" + jobId + "/scenes.json");
        return body;
    }

    private void writeSummaries() throws Exception {
        Path segs = root.resolve(BUCKET).resolve("jobs").resolve(jobId).resolve("segments");
        Files.createDirectories(segs);
        Files.writeString(segs.resolve("1.json"), "{\"index\":1,\"startSec\":15.0,\"endSec\":30.0,\"summary\":\"The cat leaves.\"}");
        Files.writeString(segs.resolve("0.json"), "{\"index\":0,\"startSec\":0.0,\"endSec\":15.0,\"summary\":\"A cat enters.\"}");
        llm.behaviour = r -> {
            String text = FakeLlm.userText(r);
            return text.contains("</think>")
                    ? FakeLlm.Reply.ok("answer to " + text.substring(text.lastIndexOf("</think>") + "</think>".length()).strip())
                    : FakeLlm.Reply.ok("a summary");
        };
    }

    private String answerBody(String token) throws Exception {
        ObjectNode body = base(token, "answer");
        body.putArray("segmentKeys").add("jobs/" + jobId + "/segments/1.json").add("jobs/" + jobId + "/segments/0.json");
        var qs = body.putArray("questions");
        qs.addObject().put("id", "q0").put("text", "What enters?");
        qs.addObject().put("id", "q1").put("text", "What happens at the end?");
        return JSON.writeValueAsString(body);
    }

    /** Which test frame an image part shows: its colour encodes t (the JPEG is re-encoded on the way, so read it back). */
    static int frameShown(String dataUrl) {
        try {
            byte[] bytes = Base64.getDecoder().decode(dataUrl.substring("data:image/jpeg;base64,".length()));
            BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
            int red = (img.getRGB(img.getWidth() / 2, img.getHeight() / 2) >> 16) & 0xff;
            return Math.round(red / 8f);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private String segmentBody(String token, int index, double start, double end) throws Exception {
        ObjectNode body = base(token, "segment");
        body.putObject("segment").put("index", index).put("startSec", start).put("endSec", end);
        return JSON.writeValueAsString(body);
    }

    private static void send(String queueUrl, String body) {
        emu.sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
    }

    private static void await(Duration max, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /** A small real JPEG whose colour encodes {@code t}, so the test can tell frames apart. */
    /**
     * {@code embeddings/0.json} of a job directory as decode-range writes it (the contract's
     * {@link dev.longvqa.contract.EmbeddingsDocument}), one frame per second, each at
     * {@code frames/0/{t}.jpg}.
     */
    static void writeFrames(Path job, int seconds) throws Exception {
        Files.createDirectories(job.resolve("frames/0"));
        Files.createDirectories(job.resolve("embeddings"));
        List<dev.longvqa.contract.EmbeddingsDocument.Frame> frames = new java.util.ArrayList<>();
        for (int t = 0; t < seconds; t++) {
            frames.add(new dev.longvqa.contract.EmbeddingsDocument.Frame(t, t, t, 0f, null, new float[0]));
            Files.write(job.resolve("frames/0/" + t + ".jpg"), jpeg(t));
        }
        Files.write(job.resolve("embeddings/0.json"), dev.longvqa.contract.Json.mapper().writeValueAsBytes(
                new dev.longvqa.contract.EmbeddingsDocument(job.getFileName().toString(), 0, 0, seconds, "fps=1", "signature",
                        null, seconds, 0, frames)));
    }

    static byte[] jpeg(int t) throws Exception {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new Color((t * 8) % 256, 255 - (t * 8) % 256, 128));
        g.fillRect(0, 0, 16, 16);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }
}
