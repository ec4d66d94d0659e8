package dev.longvqa.local;

import dev.longvqa.contract.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.local.asl.AslExecutor;
import dev.longvqa.local.asl.HistoryEvent;
import dev.longvqa.local.asl.StatesError;
import dev.longvqa.local.asl.TaskRequest;
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
        executor = executor("worker").build();
        worker = Thread.ofVirtual().start(this::work);
    }

    /** The project's definition over fake stage functions, with the stack's transcript source. */
    AslExecutor.Builder executor(String transcriptSource) throws Exception {
        return AslExecutor.builder().definition(Files.readString(DEFINITION))
                .substitutions(Map.of("RegisterFunctionArn", "arn:aws:lambda:us-east-1:000000000000:function:register",
                        "PlanFunctionArn", "plan", "DecodeRangeFunctionArn", "decode-range", "SegmentFunctionArn", "segment",
                        "RecordFunctionArn", "record", "TaskQueueUrl", QUEUE, "BucketName", "longvqa-local",
                        "JobsTableName", "longvqa-jobs", "TranscriptSource", transcriptSource))
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
                .timeScale(0.001);
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
        return out.put("visualTokens", 0).put("tdcMs", 0).put("audioTokens", 0).put("audioMs", 0).put("elapsedMs", 5);
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

    /** Fake Amazon Transcribe and DynamoDB integrations: what the transcribe branch calls, recorded. */
    final List<TaskRequest> sdkCalls = new CopyOnWriteArrayList<>();

    /** Replaces the executor with one whose stack chose {@code transcribe}; {@code statuses}: what each poll sees. */
    void transcribeStack(java.util.function.Supplier<JsonNode> start, List<String> statuses) throws Exception {
        executor.close();
        AtomicInteger polls = new AtomicInteger();
        executor = executor("transcribe")
                .resource("arn:aws:states:::aws-sdk:transcribe:startTranscriptionJob", req -> {
                    sdkCalls.add(req);
                    return start.get();
                })
                .resource("arn:aws:states:::aws-sdk:transcribe:getTranscriptionJob", req -> {
                    sdkCalls.add(req);
                    String status = statuses.get(Math.min(polls.getAndIncrement(), statuses.size() - 1));
                    ObjectNode job = JSON.createObjectNode();
                    job.putObject("TranscriptionJob").put("TranscriptionJobName", req.parameters().get("TranscriptionJobName").asText())
                            .put("TranscriptionJobStatus", status).put("FailureReason", "Unsupported media format");
                    if (!status.equals("FAILED")) ((ObjectNode) job.get("TranscriptionJob")).remove("FailureReason");
                    return job;
                })
                .resource("arn:aws:states:::dynamodb:updateItem", req -> {
                    sdkCalls.add(req);
                    return JSON.createObjectNode();
                })
                .build();
    }

    static JsonNode started() {
        ObjectNode out = JSON.createObjectNode();
        out.putObject("TranscriptionJob").put("TranscriptionJobStatus", "IN_PROGRESS");
        return out;
    }

    List<String> sdkStates() {
        return sdkCalls.stream().map(TaskRequest::stateName).toList();
    }

    @Test
    void theWorkerSourceSkipsTheTranscribeStatesLocally() throws Exception {
        Execution ex = executor.start("job-w", event("videos/talk.mp4"));
        assertThat(ex.await(Duration.ofSeconds(30)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<String> entered = ex.history().stream().filter(h -> h.type().endsWith("StateEntered"))
                .map(HistoryEvent::stateName).toList();
        assertThat(entered).contains("Speech", "ChooseTranscriptSource", "Reason").doesNotContain("StartTranscription");
    }

    @Test
    void transcribeRunsBeforeTheSegmentPassesWritingUnderTheJobsPrefix() throws Exception {
        transcribeStack(ProjectDefinitionTest::started, List.of("IN_PROGRESS", "IN_PROGRESS", "COMPLETED"));
        ExecutionResult r = executor.start("job-t", event("videos/talk.mp4")).await(Duration.ofSeconds(30));
        assertThat(r.status()).as(r.error() + ": " + r.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(sdkStates()).containsExactly("StartTranscription", "GetTranscription", "GetTranscription", "GetTranscription");
        JsonNode start = sdkCalls.getFirst().parameters();
        String jobId = recorded.getFirst().get("jobId").asText();
        assertThat(start.get("TranscriptionJobName").asText()).isEqualTo("longvqa-" + jobId);
        assertThat(start.at("/Media/MediaFileUri").asText()).isEqualTo("s3://longvqa-local/videos/talk.mp4");
        assertThat(start.get("OutputBucketName").asText()).isEqualTo("longvqa-local");
        assertThat(start.get("OutputKey").asText()).isEqualTo(dev.longvqa.contract.S3Layout.transcribeOutput(jobId));
        assertThat(recorded.getFirst().get("outcome").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void transcribeFailingOrNeverFinishingIsNotedAndTheJobStillSucceeds() throws Exception {
        transcribeStack(ProjectDefinitionTest::started, List.of("IN_PROGRESS", "FAILED"));
        ExecutionResult failed = executor.start("job-f", event("videos/talk.mkv")).await(Duration.ofSeconds(30));
        assertThat(failed.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode note = sdkCalls.getLast().parameters();
        assertThat(sdkCalls.getLast().stateName()).isEqualTo("TranscriptSkipped");
        assertThat(note.get("TableName").asText()).isEqualTo("longvqa-jobs");
        assertThat(note.at("/ExpressionAttributeValues/:w/SS").get(0).asText())
                .isEqualTo("speech skipped: Amazon Transcribe failed (Unsupported media format)");

        sdkCalls.clear();
        recorded.clear();
        transcribeStack(ProjectDefinitionTest::started, List.of("IN_PROGRESS")); // never done
        ExecutionResult slow = executor.start("job-s", event("videos/talk.mp4")).await(Duration.ofSeconds(60));
        assertThat(slow.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(sdkStates().stream().filter("GetTranscription"::equals).count()).isEqualTo(180); // bounded
        assertThat(sdkCalls.getLast().parameters().at("/ExpressionAttributeValues/:w/SS").get(0).asText()).contains("did not finish");
        assertThat(recorded).singleElement().satisfies(rec -> assertThat(rec.get("outcome").asText()).isEqualTo("SUCCEEDED"));

        sdkCalls.clear();
        transcribeStack(() -> {
            throw new StatesError("Transcribe.BadRequestException", "The media format is not supported");
        }, List.of("COMPLETED"));
        ExecutionResult refused = executor.start("job-r", event("videos/talk.avi")).await(Duration.ofSeconds(30));
        assertThat(refused.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(sdkStates()).containsExactly("StartTranscription", "TranscriptSkipped");
        assertThat(sdkCalls.getLast().parameters().at("/ExpressionAttributeValues/:w/SS").get(0).asText())
                .isEqualTo("speech skipped: Amazon Transcribe could not be used (Transcribe.BadRequestException)");
    }
}
