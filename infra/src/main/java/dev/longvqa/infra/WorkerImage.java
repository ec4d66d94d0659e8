package dev.longvqa.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the GPU worker's container image comes from, decided before any construct exists so the
 * rule is testable on its own: an explicit URI wins (an ECR URI gets pull rights on exactly that
 * repository), else the {@code gpu-worker/} Dockerfile (built by {@code cdk deploy}, not at synth),
 * else a placeholder that lets the stack synthesize before the worker exists.
 */
sealed interface WorkerImage {

  /** Stand-in until gpu-worker/ has a Dockerfile: it starts, does nothing useful, and exits. */
  String PLACEHOLDER_URI = "public.ecr.aws/docker/library/busybox:stable";

  /** The worker's Dockerfile, relative to the repository root (its build context). */
  String DOCKERFILE = "gpu-worker/Dockerfile";

  /** {@code <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:<tag>]}. */
  Pattern ECR_URI = Pattern.compile(
      "(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([a-z0-9._/-]+?)(?::([\\w.-]+))?");

  record Ecr(String account, String region, String repository, String tag) implements WorkerImage {
    String repositoryArn() {
      return "arn:aws:ecr:" + region + ":" + account + ":repository/" + repository;
    }
  }

  record Registry(String uri) implements WorkerImage {}

  /**
   * Built by {@code cdk deploy} from {@code directory} (the repository root: the Maven reactor
   * needs the parent pom and every module's pom) with {@code dockerfile} relative to it; the root's
   * {@code .dockerignore} cuts the staged context to what the Dockerfile copies.
   */
  record Asset(Path directory, String dockerfile) implements WorkerImage {}

  record Placeholder(String uri) implements WorkerImage {}

  static WorkerImage resolve(Optional<String> uri, Path repoRoot, boolean allowPlaceholder) {
    if (uri.isPresent()) {
      Matcher m = ECR_URI.matcher(uri.get());
      if (m.matches()) {
        return new Ecr(m.group(1), m.group(2), m.group(3), m.group(4) != null ? m.group(4) : "latest");
      }
      return new Registry(uri.get());
    }
    if (Files.isRegularFile(repoRoot.resolve(DOCKERFILE))) return new Asset(repoRoot, DOCKERFILE);
    if (!allowPlaceholder) {
      throw new IllegalStateException("no gpu-worker/Dockerfile and no --worker-image: pass an image URI, "
          + "or --allow-placeholders for a worker that does nothing");
    }
    return new Placeholder(PLACEHOLDER_URI);
  }
}
