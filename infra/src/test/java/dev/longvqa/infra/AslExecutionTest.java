package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Executes statemachine/longvqa.asl.json with npm {@code aws-local-stepfunctions} (an independent
 * ASL interpreter) against fake tasks that answer per docs/ARCHITECTURE.md
 * (infra/src/test/node/run-workflow.mjs). This checks what the schema cannot: every path resolves,
 * each task receives the documented payload, and Retry/Catch route errors as intended. All
 * scenarios run in one Node process, started once.
 */
class AslExecutionTest {

  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();
  private static final String EXECUTION_ID = "arn:aws:states:us-east-1:123456789012:execution:longvqa:run-1";
  private static JsonNode results;
  private static JsonNode asl;

  @BeforeAll
  static void runScenarios() throws Exception {
    asl = JSON.readTree(REPO.resolve(InfraConfig.ASL_FILE).toFile());
    ArrayNode scenarios = JSON.createArrayNode();
    scenario(scenarios, "happy", null);
    scenario(scenarios, "duplicate", null).put("registerAction", "DUPLICATE");
    scenario(scenarios, "ignored", null).put("registerAction", "IGNORED");
    scenario(scenarios, "unknownAction", null).put("registerAction", "RESTART");
    scenario(scenarios, "registrationFails", fault("RegisterJob", "LongVqa.INTERNAL", -1));
    scenario(scenarios, "registerThrottledOnce", fault("RegisterJob", "Lambda.TooManyRequestsException", 1));
    scenario(scenarios, "notAVideo", fault("PlanRanges", "LongVqa.NOT_A_VIDEO", -1));
    scenario(scenarios, "decodeTransientTwice", fault("DecodeRange", "LongVqa.TRANSIENT", 2));
    scenario(scenarios, "segmentAlwaysTransient", fault("Segment", "LongVqa.TRANSIENT", -1));
    scenario(scenarios, "workerLostOnce", fault("ReasonSegment", "States.HeartbeatTimeout", 1));
    scenario(scenarios, "modelUnavailable", fault("Answer", "LongVqa.MODEL_UNAVAILABLE", -1));
    ObjectNode both = fault("PlanRanges", "LongVqa.TOO_LONG", -1);
    both.setAll(fault("RecordFailure", "LongVqa.INTERNAL", -1));
    scenario(scenarios, "recordingTheFailureFails", both);
    scenario(scenarios, "transcribed", null).put("transcriptSource", "transcribe").put("transcribePolls", 2);
    scenario(scenarios, "transcribeNeverFinishes", null).put("transcriptSource", "transcribe").put("transcribePolls", -1);
    scenario(scenarios, "transcribeRefused", fault("StartTranscription", "Transcribe.BadRequestException", -1))
        .put("transcriptSource", "transcribe");

    Path file = Files.createTempFile("longvqa-scenarios", ".json");
    try {
      Files.writeString(file, JSON.writeValueAsString(scenarios));
      Process p = new ProcessBuilder("node", REPO.resolve("infra/src/test/node/run-workflow.mjs").toString(),
          REPO.resolve(InfraConfig.ASL_FILE).toString(), file.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      results = JSON.readTree(out);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static ObjectNode scenario(ArrayNode all, String name, ObjectNode faults) {
    ObjectNode s = all.addObject().put("name", name);
    if (faults != null) s.set("faults", faults);
    return s;
  }

  private static ObjectNode fault(String state, String error, int times) {
    ObjectNode faults = JSON.createObjectNode();
    faults.putObject(state).put("name", error).put("message", error + " from the fake " + state).put("times", times);
    return faults;
  }

  private static JsonNode result(String scenario) {
    JsonNode r = results.get(scenario);
    assertThat(r).as(scenario).isNotNull();
    return r;
  }

  private static List<String> states(String scenario) {
    List<String> names = new ArrayList<>();
    result(scenario).get("calls").forEach(c -> names.add(c.get("state").asText()));
    return names;
  }

  private static List<JsonNode> inputs(String scenario, String state) {
    List<JsonNode> found = new ArrayList<>();
    result(scenario).get("calls").forEach(c -> {
      if (c.get("state").asText().equals(state)) found.add(c.get("input"));
    });
    return found;
  }

  private static Set<String> keys(JsonNode node) {
    Set<String> keys = new TreeSet<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static String fn(String placeholder) {
    return "arn:aws:lambda:us-east-1:123456789012:function:" + placeholder;
  }

  @Test
  void happyPathCallsEveryStageOnceAndEachMapItemOnce() {
    assertThat(result("happy").get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(states("happy")).containsExactly("RegisterJob", "PlanRanges",
        "DecodeRange", "DecodeRange", "DecodeRange", "Segment", "ReasonSegment", "ReasonSegment",
        "Answer", "RecordResult");
  }

  @Test
  void lambdaStagesReceiveTheDocumentedPayloads() {
    JsonNode register = inputs("happy", "RegisterJob").getFirst();
    assertThat(register.get("FunctionName").asText()).isEqualTo(fn("RegisterFunctionArn"));
    assertThat(register.at("/Payload/detail/bucket/name").asText()).isEqualTo("uploads");
    assertThat(register.at("/Payload/detail/object/key").asText()).isEqualTo("videos/talk.mp4");
    assertThat(register.at("/Payload/executionArn").asText()).isEqualTo(EXECUTION_ID);

    JsonNode plan = inputs("happy", "PlanRanges").getFirst();
    assertThat(plan.get("FunctionName").asText()).isEqualTo(fn("PlanFunctionArn"));
    assertThat(keys(plan.get("Payload"))).containsExactly("jobId", "video");
    assertThat(plan.at("/Payload/video/key").asText()).isEqualTo("videos/talk.mp4");

    Set<Integer> decoded = new TreeSet<>();
    for (JsonNode decode : inputs("happy", "DecodeRange")) {
      assertThat(decode.get("FunctionName").asText()).isEqualTo(fn("DecodeRangeFunctionArn"));
      assertThat(keys(decode.get("Payload"))).containsExactly("jobId", "range", "video");
      assertThat(decode.at("/Payload/jobId").asText()).isEqualTo("job-1");
      decoded.add(decode.at("/Payload/range/index").asInt());
    }
    assertThat(decoded).containsExactly(0, 1, 2);

    JsonNode segment = inputs("happy", "Segment").getFirst().get("Payload");
    assertThat(keys(segment)).containsExactly("jobId", "plan", "ranges", "video");
    assertThat(segment.at("/plan/ranges").size()).isEqualTo(3);
    assertThat(segment.get("ranges").findValuesAsText("embeddingsKey")).containsExactly(
        "jobs/job-1/embeddings/0.json", "jobs/job-1/embeddings/1.json", "jobs/job-1/embeddings/2.json");

    JsonNode record = inputs("happy", "RecordResult").getFirst();
    assertThat(record.get("FunctionName").asText()).isEqualTo(fn("RecordFunctionArn"));
    assertThat(record.at("/Payload/outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(record.at("/Payload/jobId").asText()).isEqualTo("job-1");
    assertThat(record.at("/Payload/answers/0/answer").asText()).isEqualTo("A talk.");
    // exactly what the record Lambda sums (RecordRequest.Costs): every segment task's costs, in
    // segment order, and the answer task's
    assertThat(record.at("/Payload/costs/segments").size()).isEqualTo(2);
    assertThat(record.at("/Payload/costs/segments/1/segmentKey").asText()).endsWith("/segments/1.json");
    assertThat(record.at("/Payload/costs/segments/0/tokens/prompt").asInt()).isEqualTo(100);
    assertThat(record.at("/Payload/costs/segments/0/visualTokens").asInt()).isEqualTo(900);
    assertThat(record.at("/Payload/costs/segments/0/elapsedMs").asInt()).isEqualTo(700);
    assertThat(record.at("/Payload/costs/answer/tokens/prompt").asInt()).isEqualTo(300);
    assertThat(record.at("/Payload/costs/answer/tdcMs").asInt()).isEqualTo(90);
    assertThat(record.at("/Payload/costs/answer/elapsedMs").asInt()).isEqualTo(1200);
    assertThat(record.at("/Payload/costs/answer").has("answers")).as("answers travel once, not inside costs").isFalse();
  }

  @Test
  void gpuTasksCarryTheTaskTokenAndTheDocumentedMessage() {
    Set<Integer> segments = new TreeSet<>();
    for (JsonNode task : inputs("happy", "ReasonSegment")) {
      assertThat(task.get("QueueUrl").asText()).isEqualTo("substituted:TaskQueueUrl");
      JsonNode body = task.get("MessageBody");
      assertThat(keys(body)).containsExactly("bucket", "jobId", "scenesKey", "segment", "taskToken", "type", "video");
      assertThat(body.get("taskToken").asText()).isEqualTo("task-token-1");
      assertThat(body.get("type").asText()).isEqualTo("segment");
      assertThat(body.get("bucket").asText()).isEqualTo("substituted:BucketName");
      assertThat(body.get("scenesKey").asText()).isEqualTo("jobs/job-1/scenes.json");
      segments.add(body.at("/segment/index").asInt());
    }
    assertThat(segments).containsExactly(0, 1);

    JsonNode answer = inputs("happy", "Answer").getFirst().get("MessageBody");
    assertThat(answer.get("type").asText()).isEqualTo("answer");
    assertThat(answer.get("taskToken").asText()).isEqualTo("task-token-1");
    // In segment order, whatever order the workers finished in.
    assertThat(answer.get("segmentKeys").toString())
        .isEqualTo("[\"jobs/job-1/segments/0.json\",\"jobs/job-1/segments/1.json\"]");
    assertThat(answer.at("/questions/0/id").asText()).isEqualTo("q1");
  }

  @Test
  void theExecutionCarriesPointersNotTheEventOrContents() throws Exception {
    JsonNode output = result("happy").get("output");
    assertThat(keys(output)).containsExactlyInAnyOrder(
        "jobId", "action", "video", "questions", "plan", "ranges", "segment", "speech", "reasoning", "answer", "record");
    assertThat(output.at("/record/status").asText()).isEqualTo("SUCCEEDED");
    assertThat(JSON.writeValueAsBytes(output).length).as("far below the 256 KB state limit").isLessThan(4096);
  }

  @Test
  void duplicateAndIgnoredEventsStopAfterRegistration() {
    for (String s : List.of("duplicate", "ignored")) {
      assertThat(result(s).get("status").asText()).as(s).isEqualTo("SUCCEEDED");
      assertThat(states(s)).as(s).containsExactly("RegisterJob");
    }
    assertThat(result("unknownAction").get("status").asText()).isEqualTo("FAILED");
    assertThat(result("unknownAction").get("error").asText()).isEqualTo("LongVqa.INTERNAL");
  }

  @Test
  void badInputFailsOnceIsRecordedAndFailsTheExecutionWithItsOwnError() {
    JsonNode r = result("notAVideo");
    assertThat(states("notAVideo")).containsExactly("RegisterJob", "PlanRanges", "RecordFailure");
    JsonNode record = inputs("notAVideo", "RecordFailure").getFirst().get("Payload");
    assertThat(record.get("outcome").asText()).isEqualTo("FAILED");
    assertThat(record.get("jobId").asText()).isEqualTo("job-1");
    assertThat(record.at("/error/Error").asText()).isEqualTo("LongVqa.NOT_A_VIDEO");
    assertThat(record.at("/error/Cause").asText()).contains("fake PlanRanges");
    assertThat(r.get("status").asText()).isEqualTo("FAILED");
    assertThat(r.get("error").asText()).isEqualTo("LongVqa.NOT_A_VIDEO");
  }

  @Test
  void transientFaultsAreRetriedAndTheJobSucceeds() {
    assertThat(result("registerThrottledOnce").get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(inputs("registerThrottledOnce", "RegisterJob")).hasSize(2);

    assertThat(result("decodeTransientTwice").get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(inputs("decodeTransientTwice", "DecodeRange")).hasSize(3 + 2);

    assertThat(result("workerLostOnce").get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(inputs("workerLostOnce", "ReasonSegment")).hasSize(2 + 1);
  }

  @Test
  void aPersistentTransientFaultGivesUpAfterMaxAttemptsAndIsRecorded() {
    int maxAttempts = asl.at("/States/Segment/Retry/0/MaxAttempts").asInt();
    assertThat(inputs("segmentAlwaysTransient", "Segment")).hasSize(1 + maxAttempts);
    assertThat(states("segmentAlwaysTransient")).endsWith("RecordFailure");
    assertThat(result("segmentAlwaysTransient").get("error").asText()).isEqualTo("LongVqa.TRANSIENT");
  }

  @Test
  void aWorkerFailureIsNotRetriedWhenItIsNotTransient() {
    assertThat(inputs("modelUnavailable", "Answer")).hasSize(1);
    assertThat(states("modelUnavailable")).endsWith("Answer", "RecordFailure");
    assertThat(result("modelUnavailable").get("error").asText()).isEqualTo("LongVqa.MODEL_UNAVAILABLE");
  }

  @Test
  void failuresWithoutAJobRowOrWhileRecordingStillFailWithTheJobsError() {
    assertThat(states("registrationFails")).containsExactly("RegisterJob");
    assertThat(result("registrationFails").get("error").asText()).isEqualTo("LongVqa.INTERNAL");

    assertThat(states("recordingTheFailureFails")).containsExactly("RegisterJob", "PlanRanges", "RecordFailure");
    assertThat(result("recordingTheFailureFails").get("status").asText()).isEqualTo("FAILED");
    assertThat(result("recordingTheFailureFails").get("error").asText()).isEqualTo("LongVqa.TOO_LONG");
  }

  @Test
  void transcribeRunsBeforeTheSegmentPassesOnlyWhenTheStackChoseIt() {
    assertThat(states("happy")).doesNotContain("StartTranscription", "GetTranscription", "TranscriptSkipped");
    assertThat(result("transcribed").get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(states("transcribed")).containsSubsequence("Segment", "StartTranscription", "GetTranscription",
        "GetTranscription", "GetTranscription", "ReasonSegment").doesNotContain("TranscriptSkipped");
    JsonNode start = inputs("transcribed", "StartTranscription").getFirst();
    assertThat(start.get("TranscriptionJobName").asText()).isEqualTo("longvqa-job-1");
    assertThat(start.at("/Media/MediaFileUri").asText()).isEqualTo("s3://uploads/videos/talk.mp4");
    assertThat(start.get("OutputKey").asText()).isEqualTo(dev.longvqa.contract.S3Layout.transcribeOutput("job-1"));
  }

  @Test
  void aTranscribeFailureOrTimeoutIsNotedAndTheJobGoesOn() {
    for (String scenario : List.of("transcribeNeverFinishes", "transcribeRefused")) {
      assertThat(result(scenario).get("status").asText()).as(scenario).isEqualTo("SUCCEEDED");
      assertThat(states(scenario)).as(scenario).containsSubsequence("TranscriptSkipped", "ReasonSegment", "Answer", "RecordResult")
          .doesNotContain("RecordFailure");
    }
    assertThat(states("transcribeNeverFinishes").stream().filter("GetTranscription"::equals)).hasSize(180);
    assertThat(inputs("transcribeNeverFinishes", "TranscriptSkipped").getFirst().at("/ExpressionAttributeValues/:w/SS/0").asText())
        .contains("did not finish");
    assertThat(inputs("transcribeRefused", "TranscriptSkipped").getFirst().at("/ExpressionAttributeValues/:w/SS/0").asText())
        .isEqualTo("speech skipped: Amazon Transcribe could not be used (Transcribe.BadRequestException)");
  }
}
