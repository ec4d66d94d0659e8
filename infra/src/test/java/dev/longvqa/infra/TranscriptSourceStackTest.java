package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.AslSubstitution;
import dev.longvqa.contract.TranscriptSource;
import dev.longvqa.contract.WorkerEnv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack's transcript choice, synthesized once per {@link TranscriptSource}: the workflow's
 * substitution and the worker's variable say the same thing, and only {@code transcribe} gives the
 * state machine Amazon Transcribe and the S3 and table access its branch needs, scoped to the
 * job's prefix.
 */
class TranscriptSourceStackTest {

  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  private static final Map<TranscriptSource, JsonNode> RESOURCES = new EnumMap<>(TranscriptSource.class);

  @BeforeAll
  static void synth() {
    for (TranscriptSource source : TranscriptSource.values()) {
      InfraConfig config = InfraConfig.builder(REPO)
          .outdir(REPO.resolve("infra/target/cdk-test/transcripts-" + source.value()))
          .functionCode(REPO.resolve(FunctionCode.PLACEHOLDER_DIR))
          .workerImage(WorkerImage.PLACEHOLDER_URI)
          .allowPlaceholders(true)
          .transcripts(source)
          .build();
      Template template = Template.fromStack(LongVqaApp.create(config).stack());
      RESOURCES.put(source, dev.longvqa.contract.Json.mapper().valueToTree(template.toJSON()).get("Resources"));
    }
  }

  private static List<Map.Entry<String, JsonNode>> ofType(TranscriptSource source, String type) {
    return RESOURCES.get(source).properties().stream().filter(e -> e.getValue().get("Type").asText().equals(type)).toList();
  }

  /** Every Allow statement of the policies attached to the role whose logical id starts with {@code rolePrefix}. */
  private static List<JsonNode> statementsOf(TranscriptSource source, String rolePrefix) {
    List<JsonNode> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> policy : ofType(source, "AWS::IAM::Policy")) {
      boolean attached = false;
      for (JsonNode role : policy.getValue().at("/Properties/Roles")) attached |= role.path("Ref").asText().startsWith(rolePrefix);
      if (!attached) continue;
      policy.getValue().at("/Properties/PolicyDocument/Statement").forEach(st -> {
        if (st.path("Effect").asText().equals("Allow")) out.add(st);
      });
    }
    return out;
  }

  private static List<String> actions(JsonNode statement) {
    List<String> a = new ArrayList<>();
    JsonNode n = statement.get("Action");
    if (n.isArray()) n.forEach(x -> a.add(x.asText()));
    else a.add(n.asText());
    return a;
  }

  private static String workerEnv(TranscriptSource source, WorkerEnv variable) {
    JsonNode td = ofType(source, "AWS::ECS::TaskDefinition").getFirst().getValue();
    for (JsonNode container : td.at("/Properties/ContainerDefinitions")) {
      for (JsonNode env : container.path("Environment")) {
        if (env.get("Name").asText().equals(variable.variable())) return env.get("Value").asText();
      }
    }
    return null;
  }

  @Test
  void theWorkflowAndTheWorkerAreToldTheSameSource() {
    for (TranscriptSource source : TranscriptSource.values()) {
      JsonNode sm = ofType(source, "AWS::StepFunctions::StateMachine").getFirst().getValue();
      assertThat(sm.at("/Properties/DefinitionSubstitutions/" + AslSubstitution.TRANSCRIPT_SOURCE.placeholder()).asText())
          .as(source.value()).isEqualTo(source.value());
      assertThat(workerEnv(source, WorkerEnv.TRANSCRIPT)).as(source.value()).isEqualTo(source.value());
    }
  }

  @Test
  void onlyTheTranscribeStackMayCallTranscribeAndItsGrantsAreScopedToTheJobsPrefix() {
    List<JsonNode> workflow = statementsOf(TranscriptSource.TRANSCRIBE, "WorkflowStateMachineRole");
    JsonNode transcribe = workflow.stream().filter(st -> actions(st).contains("transcribe:StartTranscriptionJob")).findFirst()
        .orElseThrow(() -> new AssertionError("no Transcribe grant: " + workflow));
    assertThat(actions(transcribe)).containsExactlyInAnyOrder("transcribe:StartTranscriptionJob", "transcribe:GetTranscriptionJob");
    assertThat(transcribe.get("Resource").toString()).contains(":transcription-job/" + Transcription.JOB_NAME_PREFIX + "*");
    // Transcribe writes with the workflow's permissions: only jobs/*/transcript*, reads only the uploads
    List<String> putResources = workflow.stream().filter(st -> actions(st).contains("s3:PutObject"))
        .map(st -> st.get("Resource").toString()).toList();
    assertThat(putResources).singleElement().asString().contains("/jobs/*/transcript*");
    List<String> readResources = workflow.stream().filter(st -> actions(st).contains("s3:GetObject*"))
        .map(st -> st.get("Resource").toString()).toList();
    assertThat(readResources).singleElement().asString().contains("/videos/*");
    assertThat(workflow.stream().filter(st -> actions(st).contains("dynamodb:UpdateItem"))).hasSize(1);

    for (TranscriptSource other : List.of(TranscriptSource.WORKER, TranscriptSource.OFF)) {
      for (Map.Entry<String, JsonNode> policy : ofType(other, "AWS::IAM::Policy")) {
        assertThat(policy.getValue().toString()).as(other.value()).doesNotContain("transcribe:");
      }
      List<JsonNode> sm = statementsOf(other, "WorkflowStateMachineRole");
      assertThat(sm.stream().flatMap(st -> actions(st).stream()))
          .as(other.value() + ": the workflow reads and writes no objects and no rows itself")
          .noneMatch(a -> a.startsWith("s3:") || a.startsWith("dynamodb:"));
    }
  }
}
