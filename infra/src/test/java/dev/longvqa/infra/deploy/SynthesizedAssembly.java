package dev.longvqa.infra.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.infra.InfraCli;
import dev.longvqa.infra.InfraConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The cloud assembly exactly as {@code ./longvqa infra synth} writes it (same CLI, default code and
 * image: {@code functions/target/function.zip}, {@code gpu-worker/Dockerfile}), read back the way
 * {@code cdk deploy} reads it: the template, and the asset manifest that says which staged file or
 * directory each template reference is.
 */
public record SynthesizedAssembly(Path outdir, JsonNode template, JsonNode assets) {

  public static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  static final String STACK = "LongVqa";
  private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();

  /** One {@code AWS::Lambda::Function}, with its staged code asset. */
  public record LambdaFunction(String logicalId, String handler, String runtime, String architecture, int memoryMb,
                               Map<String, JsonNode> environment, Path stagedCode) {}

  /** One container of the task definition, with its staged Docker build context (if an asset). */
  public record Container(String name, Map<String, JsonNode> environment, Path buildContext, String dockerfile) {}

  public static SynthesizedAssembly synth(Path outdir, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("synth", "--root", REPO.toString(), "--out", outdir.toString()));
    args.addAll(List.of(extraArgs));
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new InfraCli());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int code = cli.execute(args.toArray(String[]::new));
    if (code != 0) throw new IllegalStateException("infra synth exited " + code + ":\n" + out);
    try {
      return new SynthesizedAssembly(outdir,
          JSON.readTree(outdir.resolve(STACK + ".template.json").toFile()),
          JSON.readTree(outdir.resolve(STACK + ".assets.json").toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Map<String, JsonNode> resources(String type) {
    Map<String, JsonNode> found = new LinkedHashMap<>();
    template.get("Resources").properties().forEach(e -> {
      if (e.getValue().get("Type").asText().equals(type)) found.put(e.getKey(), e.getValue());
    });
    return found;
  }

  public List<LambdaFunction> lambdaFunctions() {
    List<LambdaFunction> fns = new ArrayList<>();
    resources("AWS::Lambda::Function").forEach((id, r) -> {
      JsonNode p = r.get("Properties");
      Map<String, JsonNode> env = new LinkedHashMap<>();
      p.at("/Environment/Variables").properties().forEach(e -> env.put(e.getKey(), e.getValue()));
      fns.add(new LambdaFunction(id, p.get("Handler").asText(), p.get("Runtime").asText(),
          p.path("Architectures").path(0).asText("x86_64"), p.path("MemorySize").asInt(128), env,
          stagedFile(p.at("/Code/S3Key").asText())));
    });
    return fns;
  }

  public List<Container> containers() {
    List<Container> found = new ArrayList<>();
    resources("AWS::ECS::TaskDefinition").forEach((id, r) -> {
      for (JsonNode c : r.at("/Properties/ContainerDefinitions")) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        for (JsonNode kv : c.path("Environment")) env.put(kv.get("Name").asText(), kv.get("Value"));
        Path context = null;
        String dockerfile = null;
        String image = c.get("Image").toString();
        for (var e : assets.path("dockerImages").properties()) {
          if (image.contains(e.getKey())) {
            context = outdir.resolve(e.getValue().at("/source/directory").asText());
            dockerfile = e.getValue().at("/source/dockerFile").asText("Dockerfile");
          }
        }
        found.add(new Container(c.get("Name").asText(), env, context, dockerfile));
      }
    });
    return found;
  }

  /** The staged file of the file asset whose object key is {@code s3Key} (what deploy uploads). */
  Path stagedFile(String s3Key) {
    for (var e : assets.path("files").properties()) {
      for (JsonNode dest : e.getValue().path("destinations")) {
        if (dest.path("objectKey").asText().equals(s3Key)) {
          Path p = outdir.resolve(e.getValue().at("/source/path").asText());
          if (!Files.exists(p)) throw new IllegalStateException("asset " + s3Key + " is not staged at " + p);
          return p;
        }
      }
    }
    throw new IllegalStateException("no file asset has the object key " + s3Key);
  }
}
