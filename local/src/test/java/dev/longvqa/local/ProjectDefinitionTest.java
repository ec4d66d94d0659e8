package dev.longvqa.local;

import dev.longvqa.contract.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.local.asl.AslExecutor;
import dev.longvqa.local.asl.Execution;
import dev.longvqa.local.asl.ExecutionResult;
import dev.longvqa.local.asl.ExecutionStatus;
import dev.longvqa.local.tasks.InMemoryQueues;
import dev.longvqa.local.tasks.MessageSender.SqsMessage;
import dev.longvqa.local.tasks.SqsSendMessageResource;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the project's own {@code statemachine/longvqa.asl.json} with stub Lambdas that honour the
 * contracts of docs/ARCHITECTURE.md and an in-memory GPU worker. The definition is written on
 * another branch: until it is merged (or when {@code -Dlongvqa.asl=FILE} points elsewhere) the
 * test is skipped, not passed.
 */
class ProjectDefinitionTest {
    static final ObjectMapper JSON = Json.mapper();
    static final Path DEFINITION = Path.of(System.getProperty("longvqa.asl", "../statemachine/longvqa.asl.json"));
    static final String QUEUE = "http://local/000000000000/gpu-tasks";

    final InMemoryQueues queues = new InMemoryQueues();
    final List<JsonNode> recorded = new CopyOnWriteArrayList<>();
    final AtomicInteger decodeCalls = new AtomicInteger();
    final AtomicBoolean workerRunning = new AtomicBoolean(true);
    AslExecutor executor;
    Thread worker;
    volatile boolean planRejects;

    @BeforeEach
    void start() throws Exception {
        executor = AslExecutor.builder().definition(Files.readString(DEFINITION))
                .substitutions(Map.of("RegisterFunctionArn", "arn:aws:lambda:us-east-1:000000000000:function:register",
                        "PlanFunctionArn", "plan", "DecodeRangeFunctionArn", "decode-range", "SegmentFunctionArn", "segment",
                        "RecordFunctionArn", "record", "TaskQueueUrl", QUEUE, "BucketName", "longvqa-local",
                        "JobsTableName", "longvqa-jobs"))
                .lambda("register", in -> {
                    ObjectNode out = JSON.createObjectNode().put("jobId", "j-" + in.get("detail").get("object").get("key").asText().hashCode())
                            .put("action", "START");
                    out.putObject("video").put("bucket", "longvqa-local").put("key", in.get("detail").get("object").get("key").asText());
                    out.putArray("questions").addObject().put("id", "q1").put("text", "What happens?");
                    return out;
                })
                .lambda("plan", in -> {
                    if (planRejects) throw new LongVqaException(ErrorCode.TOO_LONG, "video is 3 h long, the limit is 2 h");
                    ObjectNode out = JSON.createObjectNode().put("durationSec", 30).put("width", 640).put("height", 360);
                    ArrayNode ranges = out.putArray("ranges");
                    for (int i = 0; i < 3; i++) ranges.addObject().put("index", i).put("startSec", i * 10).put("endSec", i * 10 + 10);
                    return out;
                })
                .lambda("decode-range", in -> {
                    // the first call fails transiently: the definition's Retry must absorb it
                    if (decodeCalls.incrementAndGet() == 1) throw new LongVqaException(ErrorCode.TRANSIENT, "S3 hiccup");
                    int i = in.get("range").get("index").asInt();
                    return JSON.createObjectNode().put("index", i).put("frames", 10).put("embeddingsKey", "jobs/x/embeddings/" + i + ".json");
                })
                .lambda("segment", in -> {
                    assertThat(in.get("ranges")).hasSize(3);
                    ObjectNode out = JSON.createObjectNode().put("scenesKey", "jobs/x/scenes.json").put("sceneCount", 4).put("frameCount", 30);
                    ArrayNode segs = out.putArray("segments");
                    segs.addObject().put("index", 0).put("startSec", 0).put("endSec", 15);
                    segs.addObject().put("index", 1).put("startSec", 15).put("endSec", 30);
                    return out;
                })
                .lambda("record", in -> {
                    recorded.add(in);
                    return JSON.createObjectNode().put("jobId", in.get("jobId").asText()).put("status", in.get("outcome").asText());
                })
                .resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(queues))
                .timeScale(0.001)
                .build();
        worker = Thread.ofVirtual().start(this::work);
    }

    @AfterEach
    void stop() throws Exception {
        if (executor == null) return;
        workerRunning.set(false);
        worker.join(2000);
        executor.close();
    }

    /** The cost fields every GPU task output carries (the worker's SendTaskSuccess contract). */
    static ObjectNode costs(ObjectNode out, int prompt) {
        out.putObject("tokens").put("prompt", prompt).put("completion", 8);
        return out.put("visualTokens", 0).put("tdcMs", 0).put("elapsedMs", 5);
    }

    void work() {
        try {
            while (workerRunning.get()) {
                SqsMessage m = queues.queue(QUEUE).poll(50, TimeUnit.MILLISECONDS);
                if (m == null) continue;
                JsonNode body = JSON.readTree(m.body());
                String token = body.get("taskToken").asText();
                executor.taskTokens().sendHeartbeat(token);
                if (body.get("type").asText().equals("segment")) {
                    ObjectNode seg = JSON.createObjectNode()
                            .put("segmentKey", "jobs/x/segments/" + body.get("segment").get("index").asInt() + ".json");
                    executor.taskTokens().sendSuccess(token, costs(seg, 128));
                } else {
                    ObjectNode out = costs(JSON.createObjectNode(), 64);
                    out.putArray("answers").addObject().put("questionId", "q1").put("answerKey", "jobs/x/answers/q1.json")
                            .put("answer", body.get("segmentKeys").size() + " segments seen");
                    executor.taskTokens().sendSuccess(token, out);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode event(String key) {
        ObjectNode e = JSON.createObjectNode().put("id", "evt-1").put("source", "aws.s3").put("time", "2026-01-01T00:00:00Z");
        ObjectNode detail = e.putObject("detail");
        detail.putObject("bucket").put("name", "longvqa-local");
        detail.putObject("object").put("key", key).put("size", 1000).put("etag", "e1");
        return e;
    }

    @Test
    void answersAJobEndToEnd() throws Exception {
        Execution ex = executor.start("job-1", event("videos/talk.mp4"));
        ExecutionResult r = ex.await(Duration.ofSeconds(30));
        assertThat(r.status()).as(r.error() + ": " + r.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(decodeCalls).hasValue(4);
        assertThat(recorded).hasSize(1);
        JsonNode record = recorded.get(0);
        assertThat(record.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(record.get("answers").get(0).get("answer").asText()).isEqualTo("2 segments seen");
        assertThat(ex.history().stream().filter(h -> h.type().equals("MapIterationSucceeded")).count()).isEqualTo(3 + 2);
    }

    @Test
    void badInputIsRecordedAndFailsTheExecutionWithItsCode() throws Exception {
        planRejects = true;
        ExecutionResult r = executor.start("job-2", event("videos/long.mp4")).await(Duration.ofSeconds(30));
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("LongVqa.TOO_LONG");
        assertThat(r.cause()).isEqualTo("video is 3 h long, the limit is 2 h");
        assertThat(recorded).singleElement().satisfies(rec -> {
            assertThat(rec.get("outcome").asText()).isEqualTo("FAILED");
            assertThat(rec.get("error").get("Error").asText()).isEqualTo("LongVqa.TOO_LONG");
        });
    }
}
