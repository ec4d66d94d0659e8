package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.WorkerEnv;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Model mode "Java runtime with weights from S3" and the TDC weights from S3, as synthesized: the
 * worker alone (no sidecar) is told both S3 locations and may read exactly those prefixes.
 */
class JavaRuntimeModelTest {
  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  private static LongVqaApp app;
  private static JsonNode resources;

  @BeforeAll
  static void synth() {
    app = LongVqaApp.create(InfraConfig.builder(REPO)
        .outdir(REPO.resolve("infra/target/cdk-test/runtime"))
        .functionCode(REPO.resolve(FunctionCode.PLACEHOLDER_DIR))
        .workerImage(WorkerImage.PLACEHOLDER_URI)
        .allowPlaceholders(true)
        .model("runtime:s3://my-models/qwen2-7b")
        .tdc("s3://my-models/tdc-qwen2-7b")
        .build());
    resources = Json.mapper().valueToTree(Template.fromStack(app.stack()).toJSON()).get("Resources");
  }

  @Test
  void theWorkerCopiesBothCheckpointsFromS3AndRunsTheModelItself() {
    JsonNode task = null;
    for (JsonNode r : resources) if (r.get("Type").asText().equals("AWS::ECS::TaskDefinition")) task = r.get("Properties");
    assertThat(task).isNotNull();
    JsonNode containers = task.get("ContainerDefinitions");
    assertThat(containers).hasSize(1); // no model server beside the worker
    JsonNode worker = containers.get(0);
    assertThat(worker.get("Name").asText()).isEqualTo("worker");
    Map<String, String> env = new HashMap<>();
    worker.get("Environment").forEach(kv -> env.put(kv.get("Name").asText(), kv.get("Value").asText()));
    assertThat(env.get(WorkerEnv.LLM.variable())).isEqualTo("runtime:s3://my-models/qwen2-7b/");
    assertThat(env.get(WorkerEnv.TDC.variable())).isEqualTo("s3://my-models/tdc-qwen2-7b/");
    assertThat(worker.at("/ResourceRequirements/0/Type").asText()).as("the worker holds the GPU").isEqualTo("GPU");

    StringBuilder policies = new StringBuilder();
    for (JsonNode r : resources) if (r.get("Type").asText().equals("AWS::IAM::Policy")) policies.append(r);
    assertThat(policies.toString()).contains(":s3:::my-models/qwen2-7b/*").contains(":s3:::my-models/tdc-qwen2-7b/*")
        .doesNotContain("bedrock:").doesNotContain(":s3:::my-models/*\"");
  }

  @Test
  void nagFindsNothingUnsuppressed() {
    List<?> errors = Annotations.fromStack(app.stack()).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    List<?> warnings = Annotations.fromStack(app.stack()).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertThat(errors).isEmpty();
    assertThat(warnings).isEmpty();
  }
}
