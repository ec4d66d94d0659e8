package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code longvqa infra synth} end to end, with every option away from its default: one synth into a
 * scratch directory, then the written template is read back.
 */
class InfraCliTest {

  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  private static final Path OUT = REPO.resolve("infra/target/cdk-test/cli");
  private static final String ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/longvqa-worker:v7";
  private static int exitCode;
  private static String stdout;
  private static JsonNode template;

  @BeforeAll
  static void synth() throws Exception {
    Path zip = Files.createDirectories(REPO.resolve("infra/target/cdk-test")).resolve("function.zip");
    Files.write(zip, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new InfraCli());
    cli.setOut(new PrintWriter(out));
    exitCode = cli.execute("synth", "--root", REPO.toString(), "--out", OUT.toString(),
        "--function-code", zip.toString(), "--worker-image", ECR,
        "--gpu-instance-type", "g6.2xlarge", "--max-gpu-instances", "6", "--job-artifact-days", "7",
        "--destroy-data", "--model", "vllm:s3://my-models/qwen2-vl-7b");
    stdout = out.toString();
    template = dev.longvqa.contract.Json.mapper().readTree(OUT.resolve(LongVqaApp.STACK_NAME + ".template.json").toFile());
  }

  private static List<JsonNode> ofType(String type) {
    List<JsonNode> found = new ArrayList<>();
    template.get("Resources").forEach(r -> {
      if (r.get("Type").asText().equals(type)) found.add(r);
    });
    return found;
  }

  @Test
  void writesTheAssemblyAndTellsHowToDeployAndDestroy() {
    assertThat(exitCode).as(stdout).isZero();
    assertThat(OUT.resolve("manifest.json")).isRegularFile();
    Path shown = Path.of("").toAbsolutePath().relativize(OUT); // Maven runs the tests in infra/
    assertThat(stdout)
        .contains("npx aws-cdk@2 deploy --app " + shown + " LongVqa")
        .contains("npx aws-cdk@2 destroy --app " + shown + " LongVqa")
        .contains("bootstrap")
        .contains("ECR arn:aws:ecr:eu-west-1:123456789012:repository/longvqa-worker:v7")
        .doesNotContain("PLACEHOLDER: build functions/");
  }

  @Test
  void aVllmModelRunsAsAHealthGatedSidecarReadingItsWeightsFromS3() {
    JsonNode task = ofType("AWS::ECS::TaskDefinition").get(0).get("Properties");
    assertThat(task.get("NetworkMode").asText()).isEqualTo("host");
    JsonNode worker = null, model = null;
    for (JsonNode c : task.get("ContainerDefinitions")) {
      if (c.get("Name").asText().equals("worker")) worker = c;
      if (c.get("Name").asText().equals("model")) model = c;
    }
    assertThat(model).isNotNull();
    assertThat(model.get("Command").toString()).contains("s3://my-models/qwen2-vl-7b/").contains("--enable-prompt-embeds");
    assertThat(model.at("/HealthCheck/Command").toString()).contains("/health");
    assertThat(model.at("/ResourceRequirements/0/Type").asText()).isEqualTo("GPU");
    assertThat(worker.get("DependsOn").toString()).contains("\"ContainerName\":\"model\"").contains("HEALTHY");
    assertThat(worker.get("Environment").toString())
        .contains("\"Name\":\"LONGVQA_LLM\",\"Value\":\"openai:http://localhost:8000/v1\"");
    String policies = ofType("AWS::IAM::Policy").toString();
    assertThat(policies).contains(":s3:::my-models/qwen2-vl-7b/*").doesNotContain("bedrock:");
  }

  @Test
  void anEcrImageIsPulledWithRightsOnThatRepositoryOnly() {
    JsonNode container = ofType("AWS::ECS::TaskDefinition").getFirst().at("/Properties/ContainerDefinitions/0");
    assertThat(container.get("Image").toString()).contains("123456789012.dkr.ecr.eu-west-1.").contains("longvqa-worker:v7");
    boolean pullGranted = false;
    for (JsonNode policy : ofType("AWS::IAM::Policy")) {
      for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
        if (st.get("Action").toString().contains("ecr:BatchGetImage")) {
          assertThat(st.get("Resource").asText()).isEqualTo("arn:aws:ecr:eu-west-1:123456789012:repository/longvqa-worker");
          pullGranted = true;
        }
      }
    }
    assertThat(pullGranted).isTrue();
  }

  @Test
  void fleetSizeInstanceTypeRetentionAndRemovalFollowTheOptions() {
    assertThat(ofType("AWS::AutoScaling::AutoScalingGroup").getFirst().at("/Properties/MaxSize").asText()).isEqualTo("6");
    assertThat(ofType("AWS::EC2::LaunchTemplate").getFirst().at("/Properties/LaunchTemplateData/InstanceType").asText())
        .isEqualTo("g6.2xlarge");
    assertThat(ofType("AWS::ApplicationAutoScaling::ScalableTarget").getFirst().at("/Properties/MaxCapacity").asInt())
        .isEqualTo(6);
    assertThat(ofType("AWS::S3::Bucket").getFirst().at("/Properties/LifecycleConfiguration/Rules/0/ExpirationInDays").asInt())
        .isEqualTo(7);
    assertThat(ofType("AWS::S3::Bucket").getFirst().get("DeletionPolicy").asText()).isEqualTo("Delete");
    assertThat(ofType("AWS::DynamoDB::Table").getFirst().get("DeletionPolicy").asText()).isEqualTo("Delete");
  }

  @Test
  void nagFindsNothingUnsuppressedWithTheseOptionsEither() throws Exception {
    // Synth writes each construct's annotations (cdk-nag findings included) to this file.
    JsonNode metadata = dev.longvqa.contract.Json.mapper().readTree(OUT.resolve(LongVqaApp.STACK_NAME + ".metadata.json").toFile());
    assertThat(metadata.size()).as("metadata per construct").isGreaterThan(50);
    List<String> errors = new ArrayList<>();
    metadata.properties().forEach(e -> e.getValue().forEach(entry -> {
      if (entry.get("type").asText().equals("aws:cdk:error")) errors.add(e.getKey() + ": " + entry.get("data"));
    }));
    assertThat(errors).isEmpty();
  }
}
