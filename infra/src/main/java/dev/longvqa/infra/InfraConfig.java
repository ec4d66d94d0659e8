package dev.longvqa.infra;

import dev.longvqa.contract.TranscriptSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the CDK app can be told from outside: where the repository is, what code and image
 * to deploy, and how large the GPU fleet may grow. Built once by {@link InfraCli} (flags and
 * environment) or by tests, then read by the constructs.
 *
 * @param repoRoot       repository root: holds {@code statemachine/}, {@code functions/}, {@code gpu-worker/}
 * @param outdir         where the cloud assembly is written ({@code infra/cdk.out} by default)
 * @param functionCode   a Quarkus {@code function.zip} or a directory; empty: {@code functions/target/function.zip}
 *                       when it exists, else the placeholder under {@code infra/assets/}
 * @param workerImage    container image URI for the GPU worker (ECR or public); empty: built from
 *                       {@code gpu-worker/Dockerfile} when it exists, else a placeholder image
 * @param gpuInstanceType EC2 instance type of the GPU fleet
 * @param maxGpuInstances upper bound of the fleet (and of worker tasks: one GPU, one task)
 * @param jobArtifactDays days after which {@code jobs/} artifacts expire
 * @param retainData     keep the bucket and the jobs table when the stack is destroyed
 * @param model          the workers' language model and how the stack provisions it ({@link ModelProvision})
 * @param tdc            where the TDC vision/Q-Former weights are ({@code s3://BUCKET/PREFIX/}, copied by the
 *                       worker at start), or empty: no TDC, frames go to the model as images
 * @param allowPlaceholders synthesize with placeholder code or image when the real ones are not built;
 *                       without it, synth refuses (a stack whose Lambdas cannot run is no deployment)
 * @param transcripts    who makes each job's timed transcript: Amazon Transcribe as a workflow state
 *                       (default), the worker's local recogniser, or nobody ({@link TranscriptSource})
 * @param webOrigins     browser origins (scheme://host[:port]) allowed to PUT/GET/HEAD the bucket's presigned
 *                       URLs: where the web page runs ({@code longvqa local web}); empty: no CORS rule
 */
public record InfraConfig(
    Path repoRoot,
    Path outdir,
    Optional<Path> functionCode,
    Optional<String> workerImage,
    String gpuInstanceType,
    int maxGpuInstances,
    int jobArtifactDays,
    boolean retainData,
    ModelProvision model,
    Optional<String> tdc,
    boolean allowPlaceholders,
    TranscriptSource transcripts,
    List<String> webOrigins) {

  /** {@code longvqa local web}'s page on its default port, by both names a browser may use. */
  public static final List<String> DEFAULT_WEB_ORIGINS = List.of("http://127.0.0.1:8788", "http://localhost:8788");

  /** The workflow definition, relative to the repository root. */
  public static final String ASL_FILE = "statemachine/longvqa.asl.json";

  public InfraConfig {
    Objects.requireNonNull(repoRoot, "repoRoot");
    Objects.requireNonNull(outdir, "outdir");
    Objects.requireNonNull(functionCode, "functionCode");
    Objects.requireNonNull(workerImage, "workerImage");
    Objects.requireNonNull(gpuInstanceType, "gpuInstanceType");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(tdc, "tdc");
    tdc.ifPresent(t -> ModelProvision.s3Prefix(t, "--tdc"));
    if (tdc.isPresent() && !model.takesEmbeddings()) {
      throw new IllegalArgumentException("--tdc needs a model that takes input embeddings (vllm:s3://… or runtime:s3://…), not "
          + model.workerSpec(false));
    }
    Objects.requireNonNull(transcripts, "transcripts");
    webOrigins = List.copyOf(webOrigins);
    webOrigins.forEach(InfraConfig::checkOrigin);
    if (maxGpuInstances < 1) throw new IllegalArgumentException("maxGpuInstances must be >= 1: " + maxGpuInstances);
    if (jobArtifactDays < 1) throw new IllegalArgumentException("jobArtifactDays must be >= 1: " + jobArtifactDays);
  }

  /** An origin as a browser sends it: http(s)://host[:port], nothing after (S3 compares it literally). */
  static void checkOrigin(String origin) {
    URI u;
    try {
      u = new URI(origin);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a web origin: " + origin);
    }
    boolean plain = ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
        && u.getRawPath().isEmpty() && u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null;
    if (!plain) throw new IllegalArgumentException("not a web origin (http(s)://host[:port], no path): " + origin);
  }

  public Path aslFile() {
    return repoRoot.resolve(ASL_FILE);
  }

  public static Builder builder(Path repoRoot) {
    return new Builder(repoRoot);
  }

  /**
   * The nearest directory at or above {@code start} that holds {@link #ASL_FILE}: lets the CLI run
   * from the repository root (launcher) and the tests from {@code infra/} (Maven).
   */
  public static Path findRepoRoot(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(ASL_FILE))) return dir;
    }
    throw new IllegalStateException("no " + ASL_FILE + " at or above " + start.toAbsolutePath());
  }

  public static final class Builder {
    private final Path repoRoot;
    private Path outdir;
    private Path functionCode;
    private String workerImage;
    private String gpuInstanceType = "g5.xlarge";
    private int maxGpuInstances = 2;
    private int jobArtifactDays = 30;
    private boolean retainData = true;
    private String model;
    private String tdc;
    private boolean allowPlaceholders;
    private TranscriptSource transcripts = TranscriptSource.TRANSCRIBE;
    private List<String> webOrigins = DEFAULT_WEB_ORIGINS;

    private Builder(Path repoRoot) {
      this.repoRoot = repoRoot.toAbsolutePath().normalize();
    }

    public Builder outdir(Path v) { this.outdir = v; return this; }
    public Builder functionCode(Path v) { this.functionCode = v; return this; }
    public Builder workerImage(String v) { this.workerImage = v == null || v.isBlank() ? null : v.strip(); return this; }
    public Builder gpuInstanceType(String v) { this.gpuInstanceType = v; return this; }
    public Builder maxGpuInstances(int v) { this.maxGpuInstances = v; return this; }
    public Builder jobArtifactDays(int v) { this.jobArtifactDays = v; return this; }
    public Builder retainData(boolean v) { this.retainData = v; return this; }
    public Builder model(String spec) { this.model = spec; return this; }
    public Builder tdc(String s3Uri) { this.tdc = s3Uri == null || s3Uri.isBlank() ? null : s3Uri.strip(); return this; }
    public Builder allowPlaceholders(boolean v) { this.allowPlaceholders = v; return this; }
    public Builder transcripts(TranscriptSource v) { this.transcripts = Objects.requireNonNull(v); return this; }
    /** null: the default ({@link #DEFAULT_WEB_ORIGINS}); blank entries are dropped, so {@code [""]} means no CORS. */
    public Builder webOrigins(List<String> v) {
      this.webOrigins = v == null ? DEFAULT_WEB_ORIGINS : v.stream().map(String::strip).filter(o -> !o.isEmpty()).toList();
      return this;
    }

    public InfraConfig build() {
      return new InfraConfig(
          repoRoot,
          outdir != null ? outdir : repoRoot.resolve("infra/cdk.out"),
          Optional.ofNullable(functionCode),
          Optional.ofNullable(workerImage),
          gpuInstanceType,
          maxGpuInstances,
          jobArtifactDays,
          retainData,
          ModelProvision.parse(model),
          Optional.ofNullable(tdc).map(t -> {
            String[] p = ModelProvision.s3Prefix(t, "--tdc");
            return "s3://" + p[0] + "/" + p[1];
          }),
          allowPlaceholders,
          transcripts,
          webOrigins);
    }
  }
}
