package dev.longvqa.infra;

import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.TranscriptSource;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awscdk.cxapi.CloudAssembly;

/** {@code ./longvqa infra synth}: writes the cloud assembly that {@code cdk deploy --app} deploys. */
@Command(name = "longvqa infra", mixinStandardHelpOptions = true,
    description = "The AWS deployment of longvqa (CDK).",
    subcommands = {InfraCli.Synth.class})
public final class InfraCli {

  public static void main(String[] args) {
    System.exit(new CommandLine(new InfraCli()).execute(args));
  }

  @Command(name = "synth", mixinStandardHelpOptions = true,
      description = "Synthesize the LongVqa stack into infra/cdk.out/ (no AWS account needed).")
  static final class Synth implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--root", description = "Repository root (default: found upward from the working directory).")
    Path root;

    // CDK_OUTDIR: set by the CDK CLI when it runs this as the app of infra/cdk.json.
    @Option(names = "--out", defaultValue = "${env:CDK_OUTDIR}",
        description = "Cloud assembly directory (default: $CDK_OUTDIR, else <root>/infra/cdk.out).")
    Path out;

    @Option(names = "--function-code", defaultValue = "${env:LONGVQA_FUNCTION_CODE}",
        description = "Lambda code: function.zip or a directory (default: functions/target/function.zip, else a placeholder).")
    Path functionCode;

    @Option(names = "--worker-image", defaultValue = "${env:LONGVQA_WORKER_IMAGE}",
        description = "GPU worker image URI, e.g. an ECR URI (default: gpu-worker/Dockerfile, else a placeholder).")
    String workerImage;

    @Option(names = "--model", defaultValue = "${env:LONGVQA_MODEL}",
        description = "The workers' model: bedrock:MODEL_ID (default " + ModelProvision.DEFAULT
            + "), vllm:s3://BUCKET/PREFIX (vLLM sidecar, weights from S3), runtime:s3://BUCKET/PREFIX (the Java"
            + " runtime in the worker, checkpoint from S3) or openai:URL.")
    String model;

    @Option(names = "--tdc", defaultValue = "${env:LONGVQA_TDC_WEIGHTS}",
        description = "TDC vision/Q-Former weights, s3://BUCKET/PREFIX/ (copied by the worker at start); needs a vllm: or runtime: model.")
    String tdc;

    @Option(names = "--allow-placeholders",
        description = "Synthesize even when function.zip or the worker image is missing (placeholders that do nothing).")
    boolean allowPlaceholders;

    @Option(names = "--gpu-instance-type", defaultValue = "g5.xlarge", description = "GPU instance type (default: ${DEFAULT-VALUE}).")
    String gpuInstanceType;

    @Option(names = "--max-gpu-instances", defaultValue = "2", description = "Largest GPU fleet (default: ${DEFAULT-VALUE}).")
    int maxGpuInstances;

    @Option(names = "--job-artifact-days", defaultValue = "30", description = "Days before jobs/ artifacts expire (default: ${DEFAULT-VALUE}).")
    int jobArtifactDays;

    @Option(names = "--transcripts", defaultValue = "${env:LONGVQA_TRANSCRIPTS:-transcribe}", paramLabel = "SOURCE",
        description = "Who makes each job's timed transcript: transcribe (Amazon Transcribe, a workflow state), "
            + "worker (the GPU worker's local recogniser, PocketSphinx offline) or off (default: ${DEFAULT-VALUE}).")
    String transcripts;

    @Option(names = "--web-origin", split = ",", paramLabel = "ORIGIN",
        description = "Browser origin allowed to use the bucket's presigned upload URLs (CORS), repeatable or comma-separated; "
            + "--web-origin= for none (default: the page of `longvqa local web`, http://127.0.0.1:8788 and http://localhost:8788).")
    List<String> webOrigins;

    @Option(names = "--destroy-data", description = "Let `cdk destroy` delete the bucket (once empty) and the jobs table.")
    boolean destroyData;

    @Override
    public Integer call() {
      Path repoRoot = root != null ? root : locateRepoRoot();
      InfraConfig config = InfraConfig.builder(repoRoot)
          .outdir(out)
          .functionCode(functionCode)
          .workerImage(workerImage)
          .model(model)
          .tdc(tdc)
          .allowPlaceholders(allowPlaceholders)
          .gpuInstanceType(gpuInstanceType)
          .maxGpuInstances(maxGpuInstances)
          .jobArtifactDays(jobArtifactDays)
          .retainData(!destroyData)
          .transcripts(TranscriptSource.parse(transcripts))
          .webOrigins(webOrigins)
          .build();
      LongVqaApp app = LongVqaApp.create(config);
      CloudAssembly assembly = app.synth();
      PrintWriter out = spec.commandLine().getOut();
      out.println(summary(config, app, Path.of(assembly.getDirectory())));
      out.flush();
      return 0;
    }
  }

  /**
   * The working directory's repository, else the one these classes were built in (infra/target/classes),
   * so {@code /elsewhere/longvqa infra synth} works from any directory.
   */
  static Path locateRepoRoot() {
    try {
      return InfraConfig.findRepoRoot(Path.of(""));
    } catch (IllegalStateException notHere) {
      try {
        Path classes = Path.of(InfraCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return InfraConfig.findRepoRoot(classes);
      } catch (java.net.URISyntaxException | RuntimeException e) {
        notHere.addSuppressed(e);
        throw notHere;
      }
    }
  }

  static String summary(InfraConfig config, LongVqaApp app, Path assembly) {
    FunctionCode code = FunctionCode.resolve(config);
    WorkerImage image = WorkerImage.resolve(config.workerImage(), config.repoRoot(), config.allowPlaceholders());
    // As the user will type it: relative to the working directory when the assembly is below it.
    Path cwd = Path.of("").toAbsolutePath();
    Path absolute = assembly.toAbsolutePath().normalize();
    Path shown = absolute.startsWith(cwd) ? cwd.relativize(absolute) : absolute;
    return String.join(System.lineSeparator(),
        "Synthesized stack " + app.stack().getStackName() + " into " + assembly,
        "  Lambda code:  " + code.path() + (code.placeholder() ? "  (PLACEHOLDER: build functions/ before deploying)" : ""),
        "  GPU worker:   " + describe(image),
        "  GPU fleet:    0.." + config.maxGpuInstances() + " x " + config.gpuInstanceType(),
        "  Model:        " + config.model().workerSpec(config.tdc().isPresent()) + " (" + config.model().getClass().getSimpleName() + ")"
            + config.tdc().map(t -> ", TDC weights " + t).orElse(""),
        "  Transcripts:  " + config.transcripts().value(),
        "",
        "Deploy to the account and region of your AWS credentials (needs the AWS CDK CLI via npx; Docker",
        "only when the worker image is built from gpu-worker/):",
        "  npx aws-cdk@2 bootstrap --app " + shown + "      # once per account and region",
        "  npx aws-cdk@2 deploy --app " + shown + " " + LongVqaApp.STACK_NAME,
        "Then upload a video under " + Storage.VIDEOS_PREFIX + " of the BucketName output; its questions, if any, first: "
            + S3Layout.sidecar(Storage.VIDEOS_PREFIX + "NAME") + " for " + Storage.VIDEOS_PREFIX + "NAME.",
        "Destroy:",
        "  npx aws-cdk@2 destroy --app " + shown + " " + LongVqaApp.STACK_NAME
            + (config.retainData() ? "   # the bucket and jobs table are retained (see docs/INFRA.md)" : ""));
  }

  private static String describe(WorkerImage image) {
    return switch (image) {
      case WorkerImage.Ecr ecr -> "ECR " + ecr.repositoryArn() + ":" + ecr.tag();
      case WorkerImage.Registry registry -> registry.uri();
      case WorkerImage.Asset asset -> "built from " + asset.directory().resolve(asset.dockerfile()) + " at deploy (context: " + asset.directory() + ")";
      case WorkerImage.Placeholder placeholder -> placeholder.uri() + "  (PLACEHOLDER: no gpu-worker/Dockerfile yet)";
    };
  }
}
