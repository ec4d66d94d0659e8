package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's own rules for statemachine/longvqa.asl.json, beyond what the ASL schema checks:
 * failures always reach RecordFailure, only transient errors are retried, and the definition
 * stays within the feature set the local ASL interpreter supports.
 */
class AslStructureTest {

  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  private static final Set<String> LAMBDA_SERVICE_ERRORS = Set.of(
      "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
      "Lambda.TooManyRequestsException", "Lambda.ClientExecutionTimeoutException");
  private static final Set<String> WORKER_LOST = Set.of("States.HeartbeatTimeout", "States.Timeout");
  private static final Set<String> SUPPORTED_TYPES = Set.of("Task", "Map", "Choice", "Pass", "Wait", "Succeed", "Fail");
  private static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
  private static final String SQS_WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
  /** The Amazon Transcribe branch's SDK integrations and the note it leaves in the job row. */
  private static final Map<String, String> AUDIO_TASKS = Map.of(
      "StartTranscription", "arn:aws:states:::aws-sdk:transcribe:startTranscriptionJob",
      "GetTranscription", "arn:aws:states:::aws-sdk:transcribe:getTranscriptionJob",
      "TranscriptSkipped", "arn:aws:states:::dynamodb:updateItem");
  /** Their service-side transient errors: the only ones they retry. */
  private static final Set<String> SDK_TRANSIENT = Set.of(
      "Transcribe.LimitExceededException", "Transcribe.InternalFailureException",
      "DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException",
      "DynamoDB.InternalServerErrorException", "DynamoDB.RequestLimitExceededException");

  private static JsonNode asl;
  private static String aslText;
  /** Every state, nested ones included, by name (names are unique across the definition). */
  private static final Map<String, JsonNode> allStates = new LinkedHashMap<>();
  private static final Set<String> nestedStates = new HashSet<>();
  /** ErrorCode name -> kind, read from the core's source so the rule follows the real enum. */
  private static Map<String, String> errorKinds;

  @BeforeAll
  static void load() throws IOException {
    aslText = Files.readString(REPO.resolve(InfraConfig.ASL_FILE));
    asl = dev.longvqa.contract.Json.mapper().readTree(aslText);
    collect(asl.get("States"), false);
    errorKinds = errorKinds();
  }

  private static void collect(JsonNode states, boolean nested) {
    states.properties().forEach(e -> {
      assertThat(allStates).as("state names are unique").doesNotContainKey(e.getKey());
      allStates.put(e.getKey(), e.getValue());
      if (nested) nestedStates.add(e.getKey());
      JsonNode processor = e.getValue().path("ItemProcessor");
      if (!processor.isMissingNode()) collect(processor.get("States"), true);
    });
  }

  private static Map<String, String> errorKinds() throws IOException {
    String source = Files.readString(REPO.resolve("src/main/java/dev/longvqa/error/ErrorCode.java"));
    Matcher m = Pattern.compile("(?m)^\\s*([A-Z_]+)\\(Kind\\.([A-Z_]+)").matcher(source);
    Map<String, String> kinds = new HashMap<>();
    while (m.find()) kinds.put("LongVqa." + m.group(1), m.group(2));
    assertThat(kinds).as("ErrorCode constants parsed from the core").containsKeys("LongVqa.TRANSIENT", "LongVqa.NOT_A_VIDEO");
    return kinds;
  }

  private static List<String> tasks() {
    return allStates.entrySet().stream().filter(e -> e.getValue().path("Type").asText().equals("Task"))
        .map(Map.Entry::getKey).toList();
  }

  @Test
  void followsTheDocumentedStateOrder() {
    List<String> path = new ArrayList<>();
    JsonNode states = asl.get("States");
    // Follow the happy path: the START choice, then each Next until an end state.
    for (String s = asl.get("StartAt").asText(); s != null; ) {
      path.add(s);
      assertThat(path).as("no cycle on the happy path").hasSizeLessThan(states.size() + 1);
      JsonNode state = states.get(s);
      if (state.path("Type").asText().equals("Choice")) {
        s = state.path("Default").asText(null); // the transcript source's Choice: worker/off go straight on
        for (JsonNode c : state.get("Choices")) {
          if (c.path("StringEquals").asText().equals("START")) s = c.get("Next").asText();
        }
      } else {
        s = state.hasNonNull("Next") ? state.get("Next").asText() : null;
      }
    }
    assertThat(path).containsExactly("RegisterJob", "StartOrSkip", "PlanRanges", "DecodeRanges", "Segment",
        "Speech", "ChooseTranscriptSource", "Reason", "Answer", "RecordResult", "Done");
  }

  @Test
  void duplicateAndIgnoredEventsSucceedWithoutWork() {
    JsonNode choice = asl.get("States").get("StartOrSkip");
    Set<String> skipped = new TreeSet<>();
    for (JsonNode c : choice.get("Choices")) {
      for (JsonNode alt : c.path("Or")) {
        String next = c.get("Next").asText();
        assertThat(asl.get("States").get(next).get("Type").asText()).isEqualTo("Succeed");
        skipped.add(alt.get("StringEquals").asText());
      }
    }
    assertThat(skipped).containsExactly("DUPLICATE", "IGNORED");
  }

  @Test
  void everyTopLevelTaskAndMapCatchesEverythingIntoRecordFailure() {
    JsonNode states = asl.get("States");
    List<String> checked = new ArrayList<>();
    states.properties().forEach(e -> {
      String type = e.getValue().path("Type").asText();
      if (!type.equals("Task") && !type.equals("Map")) return;
      if (AUDIO_TASKS.containsKey(e.getKey())) return; // the audio never fails a job: transcribeFailuresNeverFailTheJob
      JsonNode catchAll = null;
      for (JsonNode c : e.getValue().path("Catch")) {
        if (c.get("ErrorEquals").toString().contains("\"States.ALL\"")) catchAll = c;
      }
      assertThat(catchAll).as(e.getKey() + " has a Catch on States.ALL").isNotNull();
      String expected = switch (e.getKey()) {
        case "RegisterJob" -> "RegistrationFailed"; // no job row to record against
        case "RecordFailure" -> "JobFailed";
        default -> "RecordFailure";
      };
      assertThat(catchAll.get("Next").asText()).as(e.getKey()).isEqualTo(expected);
      // The error lands beside the state, never replacing the ids RecordFailure needs.
      assertThat(catchAll.path("ResultPath").asText()).as(e.getKey()).startsWith("$.").isNotEqualTo("$");
      checked.add(e.getKey());
    });
    assertThat(checked).contains("PlanRanges", "DecodeRanges", "Segment", "Reason", "Answer", "RecordResult");

    JsonNode record = states.get("RecordFailure");
    assertThat(record.at("/Parameters/Payload/outcome").asText()).isEqualTo("FAILED");
    assertThat(record.at("/Parameters/Payload/error.$").asText()).isEqualTo("$.error");
    assertThat(record.at("/Parameters/Payload/jobId.$").asText()).isEqualTo("$.jobId");
    assertThat(states.get("JobFailed").get("Type").asText()).isEqualTo("Fail");
    assertThat(states.get("RegistrationFailed").get("Type").asText()).isEqualTo("Fail");
  }

  @Test
  void everyTaskRetriesOnlyTransientErrorsWithJitteredBackoff() {
    for (String name : tasks()) {
      JsonNode task = allStates.get(name);
      JsonNode retry = task.path("Retry");
      assertThat(retry.size()).as(name + " has a Retry").isPositive();
      boolean sqs = task.get("Resource").asText().equals(SQS_WAIT);
      boolean sdk = AUDIO_TASKS.containsKey(name);
      for (JsonNode r : retry) {
        for (JsonNode err : r.get("ErrorEquals")) {
          String e = err.asText();
          if (sdk) {
            assertThat(SDK_TRANSIENT).as(name + " retries " + e).contains(e);
          } else if (e.startsWith("LongVqa.")) {
            assertThat(errorKinds).as(name + ": " + e + " is an ErrorCode").containsKey(e);
            assertThat(errorKinds.get(e)).as(name + " retries " + e).isEqualTo("TRANSIENT");
          } else if (sqs) {
            assertThat(WORKER_LOST).as(name + " retries " + e).contains(e);
          } else {
            assertThat(LAMBDA_SERVICE_ERRORS).as(name + " retries " + e).contains(e);
          }
        }
        assertThat(r.path("IntervalSeconds").asInt()).as(name).isPositive();
        assertThat(r.path("BackoffRate").asDouble()).as(name).isGreaterThanOrEqualTo(1.0);
        assertThat(r.path("MaxAttempts").asInt()).as(name).isBetween(1, 10);
        assertThat(r.path("MaxDelaySeconds").asInt()).as(name).isPositive();
        assertThat(r.path("JitterStrategy").asText()).as(name).isEqualTo("FULL");
      }
    }
  }

  @Test
  void noBadInputErrorIsEverRetried() {
    Set<String> badInput = errorKinds.entrySet().stream().filter(e -> e.getValue().equals("BAD_INPUT"))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    assertThat(badInput).contains("LongVqa.NOT_A_VIDEO", "LongVqa.TOO_LONG");
    for (String name : tasks()) {
      for (JsonNode r : allStates.get(name).path("Retry")) {
        for (JsonNode err : r.get("ErrorEquals")) {
          assertThat(badInput).as(name).doesNotContain(err.asText());
          assertThat(err.asText()).as(name).isNotIn("States.ALL", "States.TaskFailed");
        }
      }
    }
  }

  @Test
  void lambdaTasksInvokeASubstitutedFunctionAndGpuTasksWaitForTheirToken() {
    Map<String, String> functionByTask = new HashMap<>();
    Map<String, String> gpuTypeByTask = new HashMap<>();
    for (String name : tasks()) {
      JsonNode task = allStates.get(name);
      String resource = task.get("Resource").asText();
      if (AUDIO_TASKS.containsKey(name)) {
        assertThat(resource).as(name).isEqualTo(AUDIO_TASKS.get(name));
        continue;
      }
      assertThat(resource).as(name).isIn(LAMBDA_INVOKE, SQS_WAIT);
      if (resource.equals(LAMBDA_INVOKE)) {
        functionByTask.put(name, task.at("/Parameters/FunctionName").asText());
      } else {
        JsonNode body = task.at("/Parameters/MessageBody");
        assertThat(task.at("/Parameters/QueueUrl").asText()).isEqualTo("${TaskQueueUrl}");
        assertThat(body.get("taskToken.$").asText()).as(name).isEqualTo("$$.Task.Token");
        assertThat(body.has("jobId.$")).as(name).isTrue();
        // Long enough to cover a GPU instance starting from zero (the clock runs from the send),
        // far above the worker's 30 s heartbeat interval.
        assertThat(task.get("HeartbeatSeconds").asInt()).as(name).isBetween(600, 1800);
        assertThat(task.get("TimeoutSeconds").asInt()).as(name).isGreaterThan(task.get("HeartbeatSeconds").asInt());
        gpuTypeByTask.put(name, body.get("type").asText());
      }
    }
    assertThat(functionByTask).containsExactlyInAnyOrderEntriesOf(Map.of(
        "RegisterJob", "${RegisterFunctionArn}",
        "PlanRanges", "${PlanFunctionArn}",
        "DecodeRange", "${DecodeRangeFunctionArn}",
        "Segment", "${SegmentFunctionArn}",
        "RecordResult", "${RecordFunctionArn}",
        "RecordFailure", "${RecordFunctionArn}"));
    assertThat(gpuTypeByTask).containsExactlyInAnyOrderEntriesOf(Map.of("ReasonSegment", "segment", "Answer", "answer"));
    assertThat(nestedStates).containsExactlyInAnyOrder("DecodeRange", "ReasonSegment");
  }

  @Test
  void lambdaTimeoutsFitInsideTheirStateTimeouts() {
    // The Lambda must time out first so the state sees a Lambda error, not States.Timeout.
    Map<String, StageFunction> stageByFunction = new HashMap<>();
    for (StageFunction s : StageFunction.values()) stageByFunction.put("${" + s.placeholder + "}", s);
    for (String name : tasks()) {
      JsonNode task = allStates.get(name);
      if (!task.get("Resource").asText().equals(LAMBDA_INVOKE)) continue;
      StageFunction stage = stageByFunction.get(task.at("/Parameters/FunctionName").asText());
      assertThat(task.get("TimeoutSeconds").asInt()).as(name)
          .isGreaterThan(stage.timeout.toSeconds().intValue());
    }
  }

  @Test
  void mapsIterateInlineOverPlannedRangesAndSegments() {
    JsonNode decode = allStates.get("DecodeRanges");
    JsonNode reason = allStates.get("Reason");
    assertThat(decode.get("ItemsPath").asText()).isEqualTo("$.plan.ranges");
    assertThat(reason.get("ItemsPath").asText()).isEqualTo("$.segment.segments");
    for (JsonNode map : List.of(decode, reason)) {
      assertThat(map.at("/ItemProcessor/ProcessorConfig/Mode").asText()).isEqualTo("INLINE");
      assertThat(map.get("MaxConcurrency").asInt()).isBetween(1, 40);
      assertThat(map.at("/ItemSelector/jobId.$").asText()).isEqualTo("$.jobId");
    }
  }

  @Test
  void staysWithinTheFeatureSetOfTheLocalInterpreter() {
    assertThat(asl.has("QueryLanguage")).as("JSONPath is the default; JSONata is not supported").isFalse();
    assertThat(aslText).doesNotContain("{%").doesNotContain("\"Arguments\"").doesNotContain("\"Assign\"");
    allStates.forEach((name, state) -> {
      assertThat(SUPPORTED_TYPES).as(name).contains(state.get("Type").asText());
      assertThat(state.has("ItemReader")).as(name + ": no Distributed Map").isFalse();
    });
    Matcher fn = Pattern.compile("States\\.([A-Za-z]+)\\(").matcher(aslText);
    while (fn.find()) {
      assertThat(fn.group(1)).isIn("Format", "StringToJson", "JsonToString", "Array", "MathAdd");
    }
  }

  @Test
  void placeholdersAreExactlyTheDocumentedSubstitutions() throws IOException {
    String architecture = Files.readString(REPO.resolve("docs/ARCHITECTURE.md"));
    Matcher m = Pattern.compile("`\\$\\{([A-Za-z]+)}`").matcher(architecture);
    Set<String> documented = new TreeSet<>();
    while (m.find()) documented.add(m.group(1));

    assertThat(documented).as("docs/ARCHITECTURE.md").isEqualTo(new TreeSet<>(AslDefinition.SUBSTITUTIONS));
    Set<String> used = AslDefinition.read(REPO.resolve(InfraConfig.ASL_FILE)).placeholders();
    assertThat(documented).containsAll(used);
    // Every function and the queue must be substituted; the table name is for consumers that need it.
    assertThat(used).containsAll(Set.of("RegisterFunctionArn", "PlanFunctionArn", "DecodeRangeFunctionArn",
        "SegmentFunctionArn", "RecordFunctionArn", "TaskQueueUrl"));
  }

  /** Every state reachable from {@code from} (Next, Choice targets, Default, Catch). */
  private static Set<String> reachable(String from) {
    Set<String> seen = new TreeSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (!seen.add(n) || n.equals("Reason")) continue; // from Reason on it is the job's own path
      JsonNode st = asl.get("States").get(n);
      if (st.hasNonNull("Next")) todo.push(st.get("Next").asText());
      if (st.hasNonNull("Default")) todo.push(st.get("Default").asText());
      st.path("Choices").forEach(c -> todo.push(c.get("Next").asText()));
      st.path("Catch").forEach(c -> todo.push(c.get("Next").asText()));
    }
    return seen;
  }

  @Test
  void transcribeRunsOnlyForTheTranscribeSourceAndItsFailuresNeverFailTheJob() {
    JsonNode states = asl.get("States");
    assertThat(states.at("/Segment/Next").asText()).isEqualTo("Speech");
    assertThat(states.at("/Speech/Parameters/source").asText()).isEqualTo("${TranscriptSource}");
    JsonNode choice = states.get("ChooseTranscriptSource");
    assertThat(choice.get("Default").asText()).isEqualTo("Reason");
    assertThat(choice.get("Choices")).singleElement().satisfies(c -> {
      assertThat(c.get("StringEquals").asText()).isEqualTo(dev.longvqa.contract.TranscriptSource.TRANSCRIBE.value());
      assertThat(c.get("Next").asText()).isEqualTo("StartTranscription");
    });
    // whatever Transcribe does, the branch ends in Reason: no Fail, no RecordFailure, no Succeed
    Set<String> branch = reachable("StartTranscription");
    assertThat(branch).contains("GetTranscription", "TranscribeFailed", "TranscribeTimedOut", "TranscribeUnavailable",
        "TranscriptSkipped", "Reason").doesNotContain("RecordFailure", "JobFailed", "Done");
    for (String task : AUDIO_TASKS.keySet()) {
      JsonNode catchAll = null;
      for (JsonNode c : allStates.get(task).path("Catch")) {
        if (c.get("ErrorEquals").toString().contains("\"States.ALL\"")) catchAll = c;
      }
      assertThat(catchAll).as(task + " catches everything").isNotNull();
      assertThat(catchAll.get("Next").asText()).as(task).isIn("TranscribeUnavailable", "Reason");
      assertThat(catchAll.get("ResultPath").asText()).as(task).startsWith("$.speech.");
    }
    // the output lands under the job's prefix, where the stack's grant and the worker look
    assertThat(states.at("/StartTranscription/Parameters/OutputKey.$").asText())
        .isEqualTo("States.Format('jobs/{}/transcript-aws.json', $.jobId)");
    assertThat(dev.longvqa.contract.S3Layout.transcribeOutput("J")).isEqualTo("jobs/J/transcript-aws.json");
    assertThat(states.at("/TranscriptSkipped/Parameters/UpdateExpression").asText())
        .startsWith("ADD " + dev.longvqa.contract.JobRow.AUDIO_WARNINGS + " ");
  }

  @Test
  void transcribePollingIsBounded() {
    JsonNode states = asl.get("States");
    // the loop Wait -> Get -> Count -> Ready -> Wait has exactly one exit that does not depend on Transcribe
    assertThat(states.at("/WaitForTranscript/Next").asText()).isEqualTo("GetTranscription");
    assertThat(states.at("/GetTranscription/Next").asText()).isEqualTo("CountTranscriptPoll");
    assertThat(states.at("/CountTranscriptPoll/Parameters/polls.$").asText()).isEqualTo("States.MathAdd($.speech.polls, 1)");
    assertThat(states.at("/Speech/Parameters/polls").asInt()).isZero();
    JsonNode bound = null;
    for (JsonNode c : states.at("/TranscriptReady/Choices")) {
      if (c.path("Variable").asText().equals("$.speech.polls")) bound = c;
    }
    assertThat(bound).as("a poll bound").isNotNull();
    assertThat(bound.get("Next").asText()).isEqualTo("TranscribeTimedOut");
    int polls = bound.get("NumericGreaterThanEquals").asInt();
    int waitSeconds = states.at("/WaitForTranscript/Seconds").asInt();
    assertThat(polls * waitSeconds).as("at most an hour of polling").isBetween(600, 3600);
    assertThat(polls * waitSeconds).isLessThan(asl.get("TimeoutSeconds").asInt());
  }
}
