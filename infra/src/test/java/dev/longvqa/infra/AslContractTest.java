package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.longvqa.contract.DecodeRequest;
import dev.longvqa.contract.DecodeResult;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.PlanRequest;
import dev.longvqa.contract.PlanResult;
import dev.longvqa.contract.RecordRequest;
import dev.longvqa.contract.RecordResult;
import dev.longvqa.contract.RegisterResult;
import dev.longvqa.contract.SegmentRequest;
import dev.longvqa.contract.SegmentResult;
import dev.longvqa.contract.TaskCost;
import dev.longvqa.contract.TaskMessage;
import dev.longvqa.contract.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ASL against the contract records it passes between the stages: every Lambda {@code Payload},
 * every GPU task {@code MessageBody} and every {@code ResultSelector} names exactly the fields of the
 * record the other side reads or writes ({@code dev.longvqa.contract}, field names as
 * {@link Json#mapper()} writes them). A field renamed in the ASL or in a record fails here.
 */
class AslContractTest {

  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  private static final Map<String, JsonNode> states = new HashMap<>();

  @BeforeAll
  static void load() throws IOException {
    JsonNode asl = Json.mapper().readTree(Files.readString(REPO.resolve(InfraConfig.ASL_FILE)));
    collect(asl.get("States"));
  }

  private static void collect(JsonNode s) {
    s.properties().forEach(e -> {
      states.put(e.getKey(), e.getValue());
      JsonNode nested = e.getValue().path("ItemProcessor").path("States");
      if (nested.isObject()) collect(nested);
    });
  }

  /** The JSON field names of a record, as the one mapper reads and writes them. */
  static Set<String> fields(Class<?> type) {
    var description = Json.mapper().getSerializationConfig().introspect(Json.mapper().constructType(type));
    return description.findProperties().stream().map(BeanPropertyDefinition::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The keys of an ASL object with the {@code .$} of path-valued fields dropped. */
  private static Set<String> keys(JsonNode object) {
    assertThat(object.isObject()).as("an ASL parameter object: " + object).isTrue();
    Set<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(k -> out.add(k.endsWith(".$") ? k.substring(0, k.length() - 2) : k));
    return out;
  }

  private static JsonNode state(String name) {
    assertThat(states).as("the ASL has a state " + name).containsKey(name);
    return states.get(name);
  }

  private static JsonNode payload(String name) {
    return state(name).path("Parameters").path("Payload");
  }

  /**
   * The fields a ResultSelector picks: each must be read from the same field of the result
   * ({@code "x.$": "$.Payload.x"} for a Lambda, {@code "$.x"} for a GPU task) and be a field of it.
   */
  private static Set<String> selected(String name, String prefix, Class<?> result) {
    JsonNode selector = state(name).path("ResultSelector");
    Set<String> picked = new LinkedHashSet<>();
    selector.properties().forEach(e -> {
      String field = e.getKey().substring(0, e.getKey().length() - 2);
      assertThat(e.getValue().asText()).as(name + " selects " + field).isEqualTo(prefix + field);
      picked.add(field);
    });
    assertThat(fields(result)).as(name + "'s ResultSelector against " + result.getSimpleName()).containsAll(picked);
    return new TreeSet<>(picked);
  }

  @Test
  void lambdaPayloadsAreTheRequestRecords() {
    assertThat(keys(payload("PlanRanges"))).isEqualTo(fields(PlanRequest.class));
    // decode-range gets the Map item as it is: the ItemSelector builds the request
    assertThat(payload("DecodeRange").isMissingNode()).isTrue();
    assertThat(state("DecodeRange").path("Parameters").path("Payload.$").asText()).isEqualTo("$");
    assertThat(keys(state("DecodeRanges").path("ItemSelector"))).isEqualTo(fields(DecodeRequest.class));
    assertThat(keys(payload("Segment"))).isEqualTo(fields(SegmentRequest.class));
    // record: each caller sends the fields it has, never one the record does not know
    assertThat(fields(RecordRequest.class)).containsAll(keys(payload("RecordResult")));
    assertThat(fields(RecordRequest.class)).containsAll(keys(payload("RecordFailure")));
    assertThat(fields(RecordRequest.Costs.class)).containsAll(keys(payload("RecordResult").path("costs")));
    assertThat(keys(payload("RecordResult").path("costs").path("answer")))
        .isEqualTo(without(fields(TaskCost.class), "segmentKey"));
  }

  @Test
  void lambdaResultsAreSelectedFromTheResultRecords() {
    // plan's selection is SegmentRequest.plan: the whole PlanResult
    assertThat(selected("PlanRanges", "$.Payload.", PlanResult.class)).isEqualTo(fields(PlanResult.class));
    // decode-range's selection is an item of SegmentRequest.ranges: the whole DecodeResult
    assertThat(selected("DecodeRange", "$.Payload.", DecodeResult.class)).isEqualTo(fields(DecodeResult.class));
    selected("Segment", "$.Payload.", SegmentResult.class);
    selected("RecordResult", "$.Payload.", RecordResult.class);
    selected("RecordFailure", "$.Payload.", RecordResult.class);
    // register's whole output becomes the state: what later states read from it must be its fields
    assertThat(state("RegisterJob").path("OutputPath").asText()).isEqualTo("$.Payload");
    assertThat(fields(RegisterResult.class)).contains("jobId", "action", "video", "questions");
    assertThat(state("StartOrSkip").path("Choices").get(0).path("Variable").asText())
        .isEqualTo("$." + only(fields(RegisterResult.class), "action"));
  }

  @Test
  void gpuTaskMessagesAreTheTaskRecords() {
    Set<String> segment = keys(state("ReasonSegment").path("Parameters").path("MessageBody"));
    Set<String> answer = keys(state("Answer").path("Parameters").path("MessageBody"));
    assertThat(segment).isEqualTo(with(fields(TaskMessage.SegmentTask.class), TaskMessage.TYPE));
    assertThat(answer).isEqualTo(with(fields(TaskMessage.AnswerTask.class), TaskMessage.TYPE));
    assertThat(state("ReasonSegment").path("Parameters").path("MessageBody").path(TaskMessage.TYPE).asText())
        .isEqualTo(TaskMessage.SEGMENT);
    assertThat(state("Answer").path("Parameters").path("MessageBody").path(TaskMessage.TYPE).asText())
        .isEqualTo(TaskMessage.ANSWER);
    // the envelope the worker reads from a bad message is part of both
    assertThat(segment).containsAll(fields(TaskMessage.Envelope.class));
    assertThat(answer).containsAll(fields(TaskMessage.Envelope.class));
  }

  @Test
  void gpuTaskResultsAreSelectedIntoTheRecordsCosts() {
    // ReasonSegment's selection is an item of RecordRequest.Costs.segments (a TaskCost)
    assertThat(selected("ReasonSegment", "$.", TaskResult.SegmentSummarized.class)).isEqualTo(fields(TaskCost.class));
    // Answer's selection: the answers for record, and a TaskCost without a segment key
    Set<String> answer = selected("Answer", "$.", TaskResult.QuestionsAnswered.class);
    assertThat(answer).isEqualTo(with(without(fields(TaskCost.class), "segmentKey"), "answers"));
    assertThat(state("Answer").path("Parameters").path("MessageBody").path("segmentKeys.$").asText())
        .isEqualTo("$.reasoning[*]." + only(fields(TaskCost.class), "segmentKey"));
    assertThat(payload("RecordResult").path("answers.$").asText())
        .isEqualTo("$.answer." + only(fields(TaskResult.QuestionsAnswered.class), "answers"));
  }

  @Test
  void theAnswerOnlyWorkflowSendsItsAnswerCostsAsTheMainOneDoes() throws IOException {
    // statemachine/answer.asl.json: its Answer task selects what the main Answer selects, and its
    // record call carries the answers and that TaskCost, so follow-ups add to the row's totals
    JsonNode asl = Json.mapper().readTree(Files.readString(REPO.resolve(InfraConfig.ASL_FILE).resolveSibling("answer.asl.json")));
    JsonNode answer = asl.path("States").path("Answer");
    Set<String> selected = keys(answer.path("ResultSelector"));
    assertThat(selected).isEqualTo(with(without(fields(TaskCost.class), "segmentKey"), "answers"));
    answer.path("ResultSelector").properties().forEach(e ->
        assertThat(e.getValue().asText()).isEqualTo("$." + e.getKey().substring(0, e.getKey().length() - 2)));
    assertThat(keys(answer.path("Parameters").path("MessageBody"))).isEqualTo(with(fields(TaskMessage.AnswerTask.class), TaskMessage.TYPE));
    JsonNode record = asl.path("States").path("RecordAnswers").path("Parameters").path("Payload");
    assertThat(fields(RecordRequest.class)).containsAll(keys(record));
    assertThat(keys(record.path("costs"))).containsExactly("answer");
    JsonNode cost = record.path("costs").path("answer");
    assertThat(keys(cost)).isEqualTo(without(fields(TaskCost.class), "segmentKey"));
    cost.properties().forEach(e -> assertThat(e.getValue().asText())
        .isEqualTo(answer.path("ResultPath").asText() + "." + e.getKey().substring(0, e.getKey().length() - 2)));
    assertThat(keys(asl.path("States").path("RecordFailure").path("Parameters").path("Payload"))).isSubsetOf(fields(RecordRequest.class));
  }

  @Test
  void aRenamedComponentWouldBeSeen() {
    // the introspection reads the names Jackson writes, @JsonProperty included
    assertThat(fields(RecordRequest.AslError.class)).containsExactlyInAnyOrder("Error", "Cause");
    assertThat(fields(TaskMessage.SegmentTask.class)).doesNotContain("type", "identity")
        .contains("taskToken", "jobId", "bucket", "video", "scenesKey", "segment");
  }

  private static String only(Set<String> fields, String name) {
    assertThat(fields).contains(name);
    return name;
  }

  private static Set<String> with(Set<String> s, String extra) {
    Set<String> out = new TreeSet<>(s);
    out.add(extra);
    return out;
  }

  private static Set<String> without(Set<String> s, String gone) {
    Set<String> out = new TreeSet<>(s);
    out.remove(gone);
    return out;
  }
}
