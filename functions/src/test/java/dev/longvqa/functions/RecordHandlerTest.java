package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import dev.longvqa.contract.RecordResult;
import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.JobStatus;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code record} through the Lambda mock event server, against dynalite and S3Mock. */
@QuarkusTest
@QuarkusTestResource(LocalAws.class)
@TestProfile(RecordHandlerTest.RecordFunction.class)
class RecordHandlerTest {
    public static class RecordFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.lambda.handler", "record");
        }
    }

    @Inject
    JobStore jobs;

    @Inject
    DynamoDbClient ddb;

    @Inject
    S3Client s3;

    @Inject
    Settings settings;

    static Response invoke(Object body) {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON).body(body).when().post();
    }

    String newJob(JobStatus status) {
        String jobId = UUID.randomUUID().toString().replace("-", "");
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("jobId", JobStore.s(jobId));
        row.put("status", JobStore.s(status.name()));
        row.put("bucket", JobStore.s(LocalAws.BUCKET));
        row.put("key", JobStore.s("videos/" + jobId + ".mp4"));
        assertThat(jobs.create(row)).isTrue();
        return jobId;
    }

    Map<String, AttributeValue> row(String jobId) {
        return ddb.getItem(b -> b.tableName(LocalAws.TABLE).key(Map.of("jobId", AttributeValue.fromS(jobId)))).item();
    }

    static Map<String, Object> succeeded(String jobId, List<Map<String, Object>> answers) {
        return Map.of("jobId", jobId, "outcome", "SUCCEEDED", "answers", answers,
                "costs", Map.of("tokens", Map.of("prompt", 7000, "completion", 180),
                        "timings", Map.of("reason", 42000, "answer", 3100)));
    }

    @Test
    void succeededStoresAnswersTokensAndTimings() {
        String jobId = newJob(JobStatus.REASONING);
        Response r = invoke(succeeded(jobId, List.of(Map.of("questionId", "q1", "question", "What colour?",
                "answer", "Red.", "answerKey", "jobs/" + jobId + "/answers/q1.json"))));
        r.then().statusCode(200);
        assertThat(r.jsonPath().getString("status")).isEqualTo("SUCCEEDED");

        Map<String, AttributeValue> row = row(jobId);
        assertThat(row.get("status").s()).isEqualTo("SUCCEEDED");
        assertThat(row.get("answers").l()).hasSize(1);
        assertThat(row.get("answers").l().get(0).m().get("answer").s()).isEqualTo("Red.");
        assertThat(row.get("tokens").m().get("prompt").n()).isEqualTo("7000");
        assertThat(row.get("timings").m().get("reason").n()).isEqualTo("42000");
        assertThat(row).doesNotContainKey("answersKey");
    }

    @Test
    void theStateMachinesGpuTaskCostsAreSummedIntoTheRow() {
        // exactly what RecordResult's Payload.costs carries: $.reasoning (each segment task's
        // ResultSelector output) and the Answer task's costs
        String jobId = newJob(JobStatus.ANSWERING);
        List<Map<String, Object>> segments = List.of(
                Map.of("segmentKey", "jobs/" + jobId + "/segments/0.json", "tokens", Map.of("prompt", 3000, "completion", 120),
                        "visualTokens", 2900, "tdcMs", 800, "audioTokens", 500, "audioMs", 2500, "elapsedMs", 5000),
                Map.of("segmentKey", "jobs/" + jobId + "/segments/1.json", "tokens", Map.of("prompt", 0, "completion", 0),
                        "visualTokens", 0, "tdcMs", 0, "audioTokens", 0, "audioMs", 0, "elapsedMs", 40)); // a cache hit costs nothing
        Map<String, Object> answer = Map.of("tokens", Map.of("prompt", 8100, "completion", 60),
                "visualTokens", 7900, "tdcMs", 1500, "audioTokens", 1200, "audioMs", 30, "elapsedMs", 9000);
        Response r = invoke(Map.of("jobId", jobId, "outcome", "SUCCEEDED",
                "answers", List.of(Map.of("questionId", "q1", "answer", "Red.")),
                "costs", Map.of("segments", segments, "answer", answer)));
        r.then().statusCode(200);

        Map<String, AttributeValue> row = row(jobId);
        Map<String, AttributeValue> tokens = row.get("tokens").m();
        assertThat(tokens.get("prompt").n()).isEqualTo("11100");
        assertThat(tokens.get("completion").n()).isEqualTo("180");
        assertThat(tokens.get("visual").n()).isEqualTo("10800");
        assertThat(tokens.get("audio").n()).isEqualTo("1700"); // BEATs tokens beside the visual ones
        Map<String, AttributeValue> timings = row.get("timings").m();
        assertThat(timings.get("audio").n()).isEqualTo("2530"); // sound decoding + recognition
        assertThat(timings.get("reason").n()).isEqualTo("5040");
        assertThat(timings.get("answer").n()).isEqualTo("9000");
        assertThat(timings.get("tdc").n()).isEqualTo("2300");
        List<AttributeValue> perSegment = row.get("segments").l();
        assertThat(perSegment).hasSize(2);
        assertThat(perSegment.get(0).m().get("segmentKey").s()).endsWith("/segments/0.json");
        assertThat(perSegment.get(0).m().get("prompt").n()).isEqualTo("3000");
        assertThat(perSegment.get(0).m().get("audioMs").n()).isEqualTo("2500");
        assertThat(perSegment.get(1).m().get("elapsedMs").n()).isEqualTo("40");
    }

    /** What answer.asl.json's RecordAnswers sends: the follow-up answers and the Answer task's costs. */
    static Map<String, Object> answered(String jobId, String questionId, long prompt, long elapsedMs) {
        return Map.of("jobId", jobId, "outcome", "ANSWERED",
                "answers", List.of(Map.of("questionId", questionId, "question", "And then?", "answer", "Blue.")),
                "costs", Map.of("answer", Map.of("tokens", Map.of("prompt", prompt, "completion", 20),
                        "visualTokens", 4000, "tdcMs", 0, "audioTokens", 100, "audioMs", 0, "elapsedMs", elapsedMs)));
    }

    @Test
    void followUpAnswersAddTheirCostsToTheRowOnceEach() {
        String jobId = newJob(JobStatus.ANSWERING);
        invoke(succeeded(jobId, List.of(Map.of("questionId", "q1", "answer", "Red.")))).then().statusCode(200);

        Response first = invoke(answered(jobId, "q2", 5000, 2000));
        first.then().statusCode(200);
        assertThat(first.jsonPath().getString("status")).isEqualTo("SUCCEEDED");
        // Step Functions delivers the same record again (a retried invoke whose first reply was lost)
        invoke(answered(jobId, "q2", 5000, 2000)).then().statusCode(200);
        // another follow-up of the same job
        invoke(answered(jobId, "q3", 600, 500)).then().statusCode(200);

        Map<String, AttributeValue> row = row(jobId);
        assertThat(row.get("status").s()).isEqualTo("SUCCEEDED");
        assertThat(row.get("answers").l()).extracting(a -> a.m().get("questionId").s()).containsExactly("q1", "q2", "q3");
        Map<String, AttributeValue> tokens = row.get("tokens").m();
        assertThat(tokens.get("prompt").n()).isEqualTo(String.valueOf(7000 + 5000 + 600));
        assertThat(tokens.get("completion").n()).isEqualTo(String.valueOf(180 + 20 + 20));
        assertThat(tokens.get("visual").n()).isEqualTo("8000");
        assertThat(tokens.get("audio").n()).isEqualTo("200");
        Map<String, AttributeValue> timings = row.get("timings").m();
        assertThat(timings.get("answer").n()).isEqualTo(String.valueOf(3100 + 2000 + 500));
        assertThat(timings.get("reason").n()).isEqualTo("42000"); // the segment pass is not repeated
        assertThat(timings).doesNotContainKey("tdc");
        assertThat(row.get(dev.longvqa.contract.JobRow.RECORDED_ANSWERS).ss()).containsExactlyInAnyOrder("q2", "q3");

        // a late repeat of the job's own record neither drops the follow-ups' answers nor resets the totals
        Response again = invoke(succeeded(jobId, List.of(Map.of("questionId", "q1", "answer", "Red."))));
        again.then().statusCode(200);
        assertThat(again.jsonPath().getString("status")).isEqualTo("SUCCEEDED");
        Map<String, AttributeValue> later = row(jobId);
        assertThat(later.get("answers").l()).hasSize(3);
        assertThat(later.get("tokens").m().get("prompt").n()).isEqualTo(String.valueOf(7000 + 5000 + 600));
        assertThat(later.get("timings").m().get("answer").n()).isEqualTo(String.valueOf(3100 + 2000 + 500));
    }

    @Test
    void aFollowUpOnAJobThatReportedNoTokensStartsTheTotals() {
        String jobId = newJob(JobStatus.ANSWERING);
        invoke(Map.of("jobId", jobId, "outcome", "SUCCEEDED", "answers", List.of(Map.of("questionId", "q1", "answer", "Red."))))
                .then().statusCode(200);
        assertThat(row(jobId)).doesNotContainKey("tokens");
        invoke(answered(jobId, "q2", 5000, 2000)).then().statusCode(200);
        Map<String, AttributeValue> row = row(jobId);
        assertThat(row.get("tokens").m().get("prompt").n()).isEqualTo("5000");
        assertThat(row.get("timings").m().get("answer").n()).isEqualTo("2000");
        // without costs (nothing reported) the answers still land, and nothing is added
        invoke(Map.of("jobId", jobId, "outcome", "ANSWERED", "answers", List.of(Map.of("questionId", "q3", "answer", "Green."))))
                .then().statusCode(200);
        row = row(jobId);
        assertThat(row.get("answers").l()).hasSize(3);
        assertThat(row.get("tokens").m().get("prompt").n()).isEqualTo("5000");
    }

    @Test
    void followUpAnswersForAnUnknownJobAreABadRequest() {
        Response r = invoke(answered(UUID.randomUUID().toString().replace("-", ""), "q2", 1, 1));
        r.then().statusCode(500);
        assertThat(r.jsonPath().getString("errorType")).isEqualTo("LongVqa.BAD_REQUEST");
    }

    @Test
    void failedUnwrapsTheLambdaErrorAndKeepsTheCode() {
        String jobId = newJob(JobStatus.DECODING);
        String cause = "{\"errorMessage\":\"videos/a.mp4 is not a video FFmpeg can read\",\"errorType\":\"LongVqa.NOT_A_VIDEO\"}";
        Response r = invoke(Map.of("jobId", jobId, "outcome", "FAILED", "error", Map.of("Error", "LongVqa.NOT_A_VIDEO", "Cause", cause)));
        r.then().statusCode(200);
        assertThat(r.jsonPath().getString("status")).isEqualTo("FAILED");
        Map<String, AttributeValue> row = row(jobId);
        assertThat(row.get("status").s()).isEqualTo("FAILED");
        assertThat(row.get("errorType").s()).isEqualTo("NOT_A_VIDEO");
        assertThat(row.get("errorMessage").s()).isEqualTo("videos/a.mp4 is not a video FFmpeg can read");
    }

    @Test
    void statesErrorsAreKeptVerbatimAndATerminalStateIsNeverSwapped() {
        String jobId = newJob(JobStatus.REASONING);
        invoke(Map.of("jobId", jobId, "outcome", "FAILED",
                "error", Map.of("Error", "States.Timeout", "Cause", "The task timed out after 900 seconds")))
                .then().statusCode(200);
        assertThat(row(jobId).get("errorType").s()).isEqualTo("States.Timeout");

        // A late success (e.g. a redriven branch) does not turn FAILED into SUCCEEDED.
        Response late = invoke(succeeded(jobId, List.of(Map.of("questionId", "q1", "answer", "late"))));
        late.then().statusCode(200);
        assertThat(late.jsonPath().getString("status")).isEqualTo("FAILED");
        assertThat(row(jobId).get("status").s()).isEqualTo("FAILED");
        assertThat(row(jobId)).doesNotContainKey("answers");
    }

    @Test
    void largeAnswersMoveToResultJson() throws Exception {
        String jobId = newJob(JobStatus.ANSWERING);
        List<Map<String, Object>> answers = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            answers.add(Map.of("questionId", "q" + i, "question", "JobQuestion " + i, "answer", ("answer " + i + " ").repeat(2500)));
        }
        Response r = invoke(succeeded(jobId, answers));
        r.then().statusCode(200);
        Map<String, AttributeValue> row = row(jobId);
        assertThat(row.get("status").s()).isEqualTo("SUCCEEDED");
        assertThat(row).doesNotContainKey("answers");
        String key = row.get("answersKey").s();
        assertThat(key).isEqualTo("jobs/" + jobId + "/result.json");
        JsonNode result = Json.mapper().readTree(s3.getObjectAsBytes(b -> b.bucket(LocalAws.BUCKET).key(key)).asByteArray());
        assertThat(result.get("answers")).hasSize(20);
        assertThat(result.get("answers").get(19).get("answer").asText()).startsWith("answer 20 ");
    }

    @Test
    void succeededForAnUnknownJobIsABadRequest() {
        Response r = invoke(succeeded(UUID.randomUUID().toString().replace("-", ""), List.of()));
        r.then().statusCode(500);
        assertThat(r.jsonPath().getString("errorType")).isEqualTo("LongVqa.BAD_REQUEST");
    }

    @Test
    void aFailureBeforeRegistrationLeavesAFailedRow() {
        String jobId = UUID.randomUUID().toString().replace("-", "");
        invoke(Map.of("jobId", jobId, "outcome", "FAILED", "error", Map.of("Error", "LongVqa.TRANSIENT", "Cause", "S3 503")))
                .then().statusCode(200);
        assertThat(row(jobId).get("status").s()).isEqualTo("FAILED");
        assertThat(row(jobId).get("errorType").s()).isEqualTo("TRANSIENT");
    }

    /**
     * EventBridge delivers keys URL-encoded; register resolves them against the bucket before it
     * derives the job id, and the status rule's record derives it the same way (UploadIdentity), so
     * a stopped execution of such an upload still finds its row.
     */
    @Test
    void theExecutionStatusRuleFindsTheRowOfAUrlEncodedKey() throws Exception {
        String key = "videos/enc " + UUID.randomUUID() + "/a+b ü.mp4";
        String etag = s3.putObject(b -> b.bucket(LocalAws.BUCKET).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromString("not decoded here")).eTag().replace("\"", "");
        String encoded = java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8).replace("%2F", "/");
        assertThat(encoded).isNotEqualTo(key).contains("+").contains("%C3%BC");
        Map<String, Object> event = Map.of("source", "aws.s3", "detail-type", "Object Created", "detail",
                Map.of("bucket", Map.of("name", LocalAws.BUCKET), "object", Map.of("key", encoded, "size", 16, "etag", etag)));
        String executionArn = "arn:aws:states:us-east-1:000000000000:execution:longvqa:" + UUID.randomUUID();
        var registered = new RegisterService(new ObjectStore(s3), jobs, settings)
                .register(Json.mapper().valueToTree(Map.of("event", event, "executionArn", executionArn)));
        assertThat(registered.action()).isEqualTo(dev.longvqa.contract.RegisterResult.Action.START);
        assertThat(registered.video().key()).isEqualTo(key);
        String executionInput = Json.mapper().writeValueAsString(event);
        assertThat(RecordService.jobIdOfExecution(executionInput)).as("the event alone names another id")
                .isNotEqualTo(registered.jobId());

        invoke(Map.of("outcome", "FAILED", "executionInput", executionInput,
                "error", Map.of("Error", "ABORTED", "Cause", "stopped by the operator"))).then().statusCode(200);
        assertThat(row(registered.jobId()).get("status").s()).isEqualTo("FAILED");
        assertThat(row(registered.jobId()).get("errorType").s()).isEqualTo("ABORTED");
    }

    /**
     * The stack's execution-status rule sends every failed execution, also one whose Catch already
     * recorded the precise reason: that row keeps it; a row still running (a stopped execution) is
     * marked FAILED with the execution's status and cause.
     */
    @Test
    void theExecutionStatusRuleFailsARunningRowAndLeavesARecordedFailureAlone() throws Exception {
        String etag = UUID.randomUUID().toString().replace("-", "");
        String key = "videos/" + etag + ".mp4";
        String jobId = dev.longvqa.pipeline.JobId.of(LocalAws.BUCKET, key, null, etag).value();
        Map<String, AttributeValue> created = new HashMap<>();
        created.put("jobId", JobStore.s(jobId));
        created.put("status", JobStore.s(JobStatus.REASONING.name()));
        assertThat(jobs.create(created)).isTrue();
        String executionInput = Json.mapper().writeValueAsString(Map.of("source", "aws.s3", "detail-type", "Object Created",
                "detail", Map.of("bucket", Map.of("name", LocalAws.BUCKET), "object", Map.of("key", key, "size", 10, "etag", etag))));
        Map<String, Object> fromRule = new HashMap<>();
        fromRule.put("outcome", "FAILED");
        fromRule.put("executionInput", executionInput);
        fromRule.put("error", Map.of("Error", "ABORTED", "Cause", "stopped by the operator"));
        invoke(fromRule).then().statusCode(200);
        assertThat(row(jobId).get("status").s()).isEqualTo("FAILED");
        assertThat(row(jobId).get("errorType").s()).isEqualTo("ABORTED");
        assertThat(row(jobId).get("errorMessage").s()).isEqualTo("stopped by the operator");

        // a Catch recorded NOT_A_VIDEO, then the execution failed: the rule's FAILED does not replace it
        String recorded = newJob(JobStatus.REASONING);
        invoke(Map.of("jobId", recorded, "outcome", "FAILED", "error", Map.of("Error", "LongVqa.NOT_A_VIDEO", "Cause", "no video stream")))
                .then().statusCode(200);
        String recordedInput = Json.mapper().writeValueAsString(Map.of("source", "aws.s3", "detail",
                Map.of("bucket", Map.of("name", LocalAws.BUCKET), "object", Map.of("key", row(recorded).get("key").s(), "size", 10, "etag", "e"))));
        String derived = RecordService.jobIdOfExecution(recordedInput);
        Map<String, AttributeValue> copy = new HashMap<>(row(recorded));
        copy.put("jobId", JobStore.s(derived));
        assertThat(jobs.create(copy)).isTrue();
        Map<String, Object> late = new HashMap<>(fromRule);
        late.put("executionInput", recordedInput);
        late.put("error", Map.of("Error", "FAILED", "Cause", "the Fail state"));
        invoke(late).then().statusCode(200);
        assertThat(row(derived).get("errorType").s()).isEqualTo("NOT_A_VIDEO");
        assertThat(row(derived).get("errorMessage").s()).isEqualTo("no video stream");
    }
}
