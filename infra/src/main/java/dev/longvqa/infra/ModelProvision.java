package dev.longvqa.infra;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which language model the GPU workers use, chosen at synth ({@code --model}) and provisioned by the
 * stack, so that a worker never starts pointing at a server nobody runs:
 * <ul>
 *   <li>{@code bedrock:MODEL_ID} (default {@link #DEFAULT}): Amazon Bedrock through the Converse API;
 *       the task role may call {@code bedrock:InvokeModel} on exactly that foundation model. No idle
 *       cost (per token); images, no TDC input embeddings.
 *   <li>{@code vllm:s3://BUCKET/PREFIX} : a vLLM OpenAI-compatible server as a sidecar in the worker's
 *       task, streaming the weights from S3 at start ({@code --load-format runai_streamer}), serving
 *       prompt embeddings ({@code --enable-prompt-embeds}, TDC); the worker starts once the sidecar is
 *       HEALTHY (ECS container dependency) and waits for it besides. The task role may read that prefix.
 *   <li>{@code runtime:s3://BUCKET/PREFIX}: the Java runtime inside the worker (no sidecar), the
 *       checkpoint copied from S3 to instance storage at start ({@code LONGVQA_LLM=runtime:s3://…},
 *       the worker's {@code ModelDownload}); input embeddings, so TDC contexts too. The task role may
 *       read that prefix.
 *   <li>{@code openai:URL}: an OpenAI-compatible server the user runs elsewhere (nothing provisioned).
 * </ul>
 * The TDC vision/Q-Former weights come from S3 likewise ({@code --tdc s3://…}, {@link InfraConfig#tdc()}),
 * for the modes whose model takes input embeddings (vLLM, Java runtime).
 */
sealed interface ModelProvision {

  String DEFAULT = "bedrock:amazon.nova-lite-v1:0";
  /** The vLLM image the sidecar runs (OpenAI-compatible server). */
  String VLLM_IMAGE = "vllm/vllm-openai:v0.11.0";
  int VLLM_PORT = 8000;

  record Bedrock(String modelId) implements ModelProvision {}

  record VllmSidecar(String bucket, String prefix) implements ModelProvision {
    String s3Uri() {
      return "s3://" + bucket + "/" + prefix;
    }
  }

  /** The Java runtime in the worker, its checkpoint copied from S3 at start. */
  record JavaRuntime(String bucket, String prefix) implements ModelProvision {
    String s3Uri() {
      return "s3://" + bucket + "/" + prefix;
    }
  }

  record OpenAiServer(String baseUrl) implements ModelProvision {}

  /** {@code s3://BUCKET/PREFIX} as (bucket, prefix ending in {@code /}), or an error naming {@code what}. */
  static String[] s3Prefix(String uri, String what) {
    Matcher m = S3.matcher(uri);
    if (!m.matches()) throw new IllegalArgumentException(what + ": s3://BUCKET/PREFIX expected, got " + uri);
    return new String[] {m.group(1), m.group(2).endsWith("/") ? m.group(2) : m.group(2) + "/"};
  }

  Pattern S3 = Pattern.compile("s3://([a-z0-9.-]{3,63})/(.+)");

  static ModelProvision parse(String spec) {
    String s = spec == null || spec.isBlank() ? DEFAULT : spec.strip();
    int colon = s.indexOf(':');
    String kind = colon < 0 ? s : s.substring(0, colon);
    String rest = colon < 0 ? "" : s.substring(colon + 1);
    return switch (kind) {
      case "bedrock" -> {
        if (!rest.matches("[A-Za-z0-9._:-]+")) throw new IllegalArgumentException("bedrock:MODEL_ID expected, got " + s);
        yield new Bedrock(rest);
      }
      case "vllm" -> {
        String[] p = s3Prefix(rest, "vllm: the weights");
        yield new VllmSidecar(p[0], p[1]);
      }
      case "runtime" -> {
        String[] p = s3Prefix(rest, "runtime: the checkpoint");
        yield new JavaRuntime(p[0], p[1]);
      }
      case "openai" -> {
        if (!rest.startsWith("http://") && !rest.startsWith("https://")) {
          throw new IllegalArgumentException("openai:http(s)://HOST/v1 expected, got " + s);
        }
        yield new OpenAiServer(rest);
      }
      default -> throw new IllegalArgumentException("--model: bedrock:ID, vllm:s3://BUCKET/PREFIX, runtime:s3://BUCKET/PREFIX or openai:URL, got " + s);
    };
  }

  /** The worker's {@code LONGVQA_LLM} for this provision; {@code tdc}: the worker sends TDC contexts as input embeddings. */
  default String workerSpec(boolean tdc) {
    return switch (this) {
      case Bedrock b -> "bedrock:" + b.modelId();
      // images, or with TDC prompt embeddings, go to the sidecar on the task's own host network
      case VllmSidecar v -> (tdc ? "openai-embeds" : "openai") + ":http://localhost:" + VLLM_PORT + "/v1";
      case JavaRuntime r -> "runtime:" + r.s3Uri();
      case OpenAiServer o -> "openai:" + o.baseUrl();
    };
  }

  /** Whether the model takes input embeddings, which TDC contexts are. */
  default boolean takesEmbeddings() {
    return this instanceof VllmSidecar || this instanceof JavaRuntime;
  }
}
