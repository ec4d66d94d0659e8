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
import dev.longvqa.local.asl.HistoryEvent;
import dev.longvqa.local.sfn.StepFunctionsApiServer;
import dev.longvqa.local.tasks.SqsClientMessageSender;
import dev.longvqa.local.tasks.SqsSendMessageResource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The workflow's shape end to end on real protocols: a Lambda registers the job, a Map sends one
 * SQS task per segment to ElasticMQ and waits for its token, a "GPU worker" thread receives with
 * the SDK's SqsClient and answers with the SDK's SfnClient through the HTTP endpoint, then an
 * answer task and the record Lambda; a failing task goes through Catch to RecordFailure.
 */
class WorkflowShapeTest {
    static final ObjectMapper JSON = Json.mapper();
    static final StaticCredentialsProvider CREDS = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"));

    static SQSRestServer elasticMq;
    static SqsClient sqs;
    static SfnClient sfn;
    static String queueUrl;
    static AslExecutor executor;
    static StepFunctionsApiServer api;
    static Thread worker;
    static final AtomicBoolean running = new AtomicBoolean(true);
    static final List<JsonNode> recorded = new CopyOnWriteArrayList<>();
    static final List<String> heartbeats = new CopyOnWriteArrayList<>();
    static final List<Exception> workerErrors = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        elasticMq = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        int port = elasticMq.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(CREDS).build();
        queueUrl = sqs.createQueue(r -> r.queueName("gpu-tasks")).queueUrl();

        String definition = new String(WorkflowShapeTest.class.getResourceAsStream("/workflow-shape.asl.json").readAllBytes(),
                StandardCharsets.UTF_8);
        executor = AslExecutor.builder().definition(definition)
                .substitutions(Map.of("RegisterFunctionArn", "arn:aws:lambda:us-east-1:000000000000:function:register",
                        "RecordFunctionArn", "record", "TaskQueueUrl", queueUrl))
                .lambda("register", WorkflowShapeTest::register)
                .lambda("record", in -> {
                    recorded.add(in);
                    return JSON.createObjectNode().put("jobId", in.get("jobId").asText()).put("status", in.get("outcome").asText());
                })
                .resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(new SqsClientMessageSender(sqs)))
                .timeScale(0.001)
                .build();
        api = StepFunctionsApiServer.start(executor, 0);
        sfn = SfnClient.builder().endpointOverride(api.endpoint()).region(Region.US_EAST_1).credentialsProvider(CREDS).build();
        worker = Thread.ofPlatform().name("test-gpu-worker").start(WorkflowShapeTest::work);
    }

    @AfterAll
    static void stop() throws Exception {
        running.set(false);
        worker.join(5000);
        sfn.close();
        api.close();
        executor.close();
        sqs.close();
        elasticMq.stopAndWait();
    }

    /** The register Lambda's contract (docs/ARCHITECTURE.md), with segments to keep the test small. */
    static JsonNode register(JsonNode in) {
        JsonNode event = in.get("event");
        String key = event.path("detail").path("object").path("key").asText();
        ObjectNode out = JSON.createObjectNode().put("jobId", "job-" + key.hashCode()).put("action", key.contains("dup") ? "DUPLICATE" : "START");
        out.putObject("video").put("bucket", "b").put("key", key);
        out.putArray("questions").addObject().put("id", "q1").put("text", "What happens?");
        ArrayNode segs = out.putArray("segments");
        for (int i = 0; i < 3; i++) segs.addObject().put("index", i).put("startSec", i * 10).put("endSec", i * 10 + 10);
        assertThat(in.get("executionArn").asText()).startsWith("arn:aws:states:us-east-1:000000000000:execution:longvqa:");
        return out;
    }

    /** The GPU worker's loop, as gpu-worker/ will do it: receive, heartbeat, succeed or fail, delete. */
    static void work() {
        while (running.get()) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1).maxNumberOfMessages(5)).messages();
            for (Message m : messages) {
                try {
                    JsonNode body = JSON.readTree(m.body());
                    String token = body.get("taskToken").asText();
                    sfn.sendTaskHeartbeat(r -> r.taskToken(token));
                    heartbeats.add(token);
                    String jobKey = body.path("video").path("key").asText();
                    if (body.get("type").asText().equals("segment")) {
                        int index = body.get("segment").get("index").asInt();
                        if (jobKey.contains("broken") && index == 1) {
                            sfn.sendTaskFailure(r -> r.taskToken(token).error("LongVqa.MODEL_UNAVAILABLE").cause("no model for segment 1"));
                        } else {
                            String key = "jobs/" + body.get("jobId").asText() + "/segments/" + index + ".json";
                            sfn.sendTaskSuccess(r -> r.taskToken(token).output(ProjectDefinitionTest.costs(
                                    JSON.createObjectNode().put("segmentKey", key), 100).toString()));
                        }
                    } else {
                        ObjectNode out = ProjectDefinitionTest.costs(JSON.createObjectNode(), 100);
                        ArrayNode answers = out.putArray("answers");
                        for (JsonNode q : body.get("questions")) {
                            answers.addObject().put("questionId", q.get("id").asText())
                                    .put("answer", "seen " + body.get("segmentKeys").size() + " segments");
                        }
                        sfn.sendTaskSuccess(r -> r.taskToken(token).output(out.toString()));
                    }
                } catch (TaskTimedOutException e) {
                    // the state already gave up (a sibling iteration failed the Map): drop the task
                } catch (Exception e) {
                    workerErrors.add(e);
                } finally {
                    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                }
            }
        }
    }

    static JsonNode s3Event(String key) {
        ObjectNode e = JSON.createObjectNode().put("source", "aws.s3").put("detail-type", "Object Created");
        e.putObject("detail").putObject("object").put("key", key).put("size", 1234).put("etag", "abc");
        ((ObjectNode) e.get("detail")).putObject("bucket").put("name", "b");
        return e;
    }

    @Test
    void happyPathRunsEveryStageAndRecordsTheAnswers() throws Exception {
        Execution ex = executor.start("happy", s3Event("videos/talk.mp4"));
        ExecutionResult r = ex.await(Duration.ofSeconds(30));
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String jobId = "job-" + "videos/talk.mp4".hashCode();
        assertThat(r.output()).isEqualTo(JSON.readTree("{\"jobId\": \"" + jobId + "\", \"status\": \"SUCCEEDED\"}"));
        JsonNode record = recorded.stream().filter(n -> n.get("jobId").asText().equals(jobId)).findFirst().orElseThrow();
        assertThat(record.get("answers")).isEqualTo(JSON.readTree("[{\"questionId\": \"q1\", \"answer\": \"seen 3 segments\"}]"));

        List<HistoryEvent> h = ex.history();
        assertThat(h.stream().filter(e -> e.type().equals("MapIterationSucceeded")).count()).isEqualTo(3);
        assertThat(h.stream().filter(e -> e.type().equals("TaskSubmitted")).count()).isEqualTo(4);
        // the Map's ResultSelector gathered segment keys in segment order
        String reasonExit = h.stream().filter(e -> e.type().equals("MapStateExited")).findFirst().orElseThrow().details().get("output").asText();
        assertThat(JSON.readTree(reasonExit).get("reason").get("segmentKeys")).isEqualTo(JSON.readTree(
                "[\"jobs/" + jobId + "/segments/0.json\", \"jobs/" + jobId + "/segments/1.json\", \"jobs/" + jobId + "/segments/2.json\"]"));
        assertThat(h.get(h.size() - 1).type()).isEqualTo("ExecutionSucceeded");
        assertThat(executor.taskTokens().openCount()).isZero();
        assertThat(workerErrors).isEmpty();
        assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void gpuFailureIsCaughtRecordedAndFailsTheExecution() throws Exception {
        Execution ex = executor.start("broken", s3Event("videos/broken.mp4"));
        ExecutionResult r = ex.await(Duration.ofSeconds(30));
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("LongVqa.MODEL_UNAVAILABLE");
        assertThat(r.cause()).isEqualTo("no model for segment 1");
        JsonNode record = recorded.stream().filter(n -> n.get("jobId").asText().equals("broken")).findFirst().orElseThrow();
        assertThat(record.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(record.get("error")).isEqualTo(JSON.readTree(
                "{\"Error\": \"LongVqa.MODEL_UNAVAILABLE\", \"Cause\": \"no model for segment 1\"}"));
        List<String> types = ex.history().stream().map(HistoryEvent::type).toList();
        assertThat(types).containsSubsequence("MapStateEntered", "MapIterationFailed", "MapStateFailed", "MapStateExited",
                "TaskStateEntered", "FailStateEntered", "ExecutionFailed");
    }

    @Test
    void duplicateEventStopsAfterRegistration() throws Exception {
        ExecutionResult r = executor.start("dup", s3Event("videos/dup.mp4")).await(Duration.ofSeconds(30));
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.output().get("job").get("action").asText()).isEqualTo("DUPLICATE");
        assertThat(recorded).noneMatch(n -> n.get("jobId").asText().equals("job-" + "videos/dup.mp4".hashCode()));
    }
}
