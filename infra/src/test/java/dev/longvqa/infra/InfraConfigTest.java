package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.services.applicationautoscaling.ScalingInterval;

/** The decisions taken before any construct exists: repository, code, image, scaling steps. */
class InfraConfigTest {

  @Test
  void repoRootIsFoundFromAnySubdirectory(@TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("statemachine"));
    Files.writeString(tmp.resolve(InfraConfig.ASL_FILE), "{}");
    Path deep = Files.createDirectories(tmp.resolve("infra/src/main"));

    assertThat(InfraConfig.findRepoRoot(deep)).isEqualTo(tmp.toAbsolutePath().normalize());
    assertThat(InfraConfig.builder(tmp).build().outdir()).isEqualTo(tmp.toAbsolutePath().normalize().resolve("infra/cdk.out"));
  }

  @Test
  void repoRootMissingIsAClearError(@TempDir Path tmp) {
    assertThatThrownBy(() -> InfraConfig.findRepoRoot(tmp))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(InfraConfig.ASL_FILE);
  }

  @Test
  void fleetBoundsAreValidated(@TempDir Path tmp) {
    assertThatThrownBy(() -> InfraConfig.builder(tmp).maxGpuInstances(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InfraConfig.builder(tmp).jobArtifactDays(0).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void functionCodePrefersExplicitThenBuiltZipThenPlaceholder(@TempDir Path tmp) throws Exception {
    assertThatThrownBy(() -> FunctionCode.resolve(InfraConfig.builder(tmp).build()))
        .as("no silent placeholder").hasMessageContaining("./longvqa build").hasMessageContaining("--allow-placeholders");
    assertThat(FunctionCode.resolve(InfraConfig.builder(tmp).allowPlaceholders(true).build()))
        .isEqualTo(new FunctionCode(tmp.resolve(FunctionCode.PLACEHOLDER_DIR), true));

    Path zip = tmp.resolve(FunctionCode.BUILT_ZIP);
    Files.createDirectories(zip.getParent());
    Files.write(zip, new byte[] {'P', 'K'});
    assertThat(FunctionCode.resolve(InfraConfig.builder(tmp).build())).isEqualTo(new FunctionCode(zip, false));

    Path other = Files.createFile(tmp.resolve("other.zip"));
    assertThat(FunctionCode.resolve(InfraConfig.builder(tmp).functionCode(other).build()))
        .isEqualTo(new FunctionCode(other, false));

    InfraConfig missing = InfraConfig.builder(tmp).functionCode(tmp.resolve("nope.zip")).build();
    assertThatThrownBy(() -> FunctionCode.resolve(missing)).hasMessageContaining("nope.zip");
  }

  @Test
  void workerImageFromEcrUriRegistryDockerfileOrPlaceholder(@TempDir Path tmp) throws Exception {
    assertThat(WorkerImage.resolve(Optional.of("123456789012.dkr.ecr.eu-west-1.amazonaws.com/longvqa/worker:v3"), tmp, false))
        .isEqualTo(new WorkerImage.Ecr("123456789012", "eu-west-1", "longvqa/worker", "v3"));
    WorkerImage.Ecr untagged = (WorkerImage.Ecr)
        WorkerImage.resolve(Optional.of("123456789012.dkr.ecr.us-east-1.amazonaws.com/worker"), tmp, false);
    assertThat(untagged.tag()).isEqualTo("latest");
    assertThat(untagged.repositoryArn()).isEqualTo("arn:aws:ecr:us-east-1:123456789012:repository/worker");

    assertThat(WorkerImage.resolve(Optional.of("ghcr.io/acme/worker:1"), tmp, false))
        .isEqualTo(new WorkerImage.Registry("ghcr.io/acme/worker:1"));

    assertThatThrownBy(() -> WorkerImage.resolve(Optional.empty(), tmp, false)).hasMessageContaining("--allow-placeholders");
    assertThat(WorkerImage.resolve(Optional.empty(), tmp, true)).isInstanceOf(WorkerImage.Placeholder.class);
    Files.createDirectories(tmp.resolve("gpu-worker"));
    Files.writeString(tmp.resolve("gpu-worker/Dockerfile"), "FROM scratch\n");
    assertThat(WorkerImage.resolve(Optional.empty(), tmp, false)).isEqualTo(new WorkerImage.Asset(tmp.toAbsolutePath(), "gpu-worker/Dockerfile"));
  }

  @Test
  void modelSpecsParseIntoTheirProvisionAndTheWorkersSpec() {
    assertThat(ModelProvision.parse(null)).isEqualTo(ModelProvision.parse(ModelProvision.DEFAULT));
    assertThat(ModelProvision.parse("bedrock:anthropic.claude-3-haiku-20240307-v1:0").workerSpec(false))
        .isEqualTo("bedrock:anthropic.claude-3-haiku-20240307-v1:0");
    ModelProvision vllm = ModelProvision.parse("vllm:s3://my-models/qwen2-vl-7b");
    assertThat(vllm).isEqualTo(new ModelProvision.VllmSidecar("my-models", "qwen2-vl-7b/"));
    assertThat(vllm.workerSpec(false)).isEqualTo("openai:http://localhost:8000/v1");
    assertThat(ModelProvision.parse("openai:https://llm.example/v1").workerSpec(false)).isEqualTo("openai:https://llm.example/v1");
    assertThatThrownBy(() -> ModelProvision.parse("vllm:Qwen/Qwen2-VL-7B")).hasMessageContaining("s3://");
    assertThatThrownBy(() -> ModelProvision.parse("gpt:4")).hasMessageContaining("bedrock:ID");
    // the Java runtime in the worker, checkpoint from S3; with TDC, vLLM gets prompt embeddings
    ModelProvision runtime = ModelProvision.parse("runtime:s3://my-models/qwen2-vl-7b");
    assertThat(runtime).isEqualTo(new ModelProvision.JavaRuntime("my-models", "qwen2-vl-7b/"));
    assertThat(runtime.workerSpec(true)).isEqualTo("runtime:s3://my-models/qwen2-vl-7b/");
    assertThat(vllm.workerSpec(true)).isEqualTo("openai-embeds:http://localhost:8000/v1");
    assertThatThrownBy(() -> ModelProvision.parse("runtime:/models/x")).hasMessageContaining("s3://");
  }

  @Test
  void tdcWeightsComeFromS3ForModelsThatTakeEmbeddings(@TempDir Path tmp) {
    InfraConfig c = InfraConfig.builder(tmp).model("runtime:s3://models/llm").tdc("s3://models/tdc").build();
    assertThat(c.tdc()).contains("s3://models/tdc/");
    assertThat(InfraConfig.builder(tmp).model("vllm:s3://models/llm").tdc("s3://models/tdc/").build().tdc()).contains("s3://models/tdc/");
    assertThatThrownBy(() -> InfraConfig.builder(tmp).tdc("s3://models/tdc").build()).hasMessageContaining("input embeddings");
    assertThatThrownBy(() -> InfraConfig.builder(tmp).model("runtime:s3://models/llm").tdc("/local/tdc").build())
        .hasMessageContaining("s3://");
  }

  @Test
  void backlogStepsGiveOneTaskPerQueuedTaskUpToTheFleetSize() {
    assertThat(steps(1)).containsExactly("<=0:0", ">=1:1");
    assertThat(steps(2)).containsExactly("<=0:0", ">=1:1", ">=2:2");
    assertThat(steps(6)).containsExactly("<=0:0", ">=1:1", ">=2:2", ">=4:4", ">=6:6");
    assertThat(steps(8)).containsExactly("<=0:0", ">=1:1", ">=2:2", ">=4:4", ">=8:8");
  }

  private static List<String> steps(int max) {
    return GpuWorkers.backlogSteps(max).stream().map(InfraConfigTest::describe).toList();
  }

  private static String describe(ScalingInterval s) {
    return (s.getLower() != null ? ">=" + s.getLower() : "<=" + s.getUpper()) + ":" + s.getChange();
  }
}
