package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longvqa.infra.deploy.SynthesizedAssembly;
import dev.longvqa.infra.deploy.SynthesizedAssembly.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker image builds from what CDK stages: the Docker build context {@code cdk deploy} would
 * send (the staged asset directory in cdk.out) holds every source the Dockerfile copies, every module
 * the parent pom lists (Maven reads the whole reactor), and the sources of every module the worker
 * is built from. Docker itself is not needed for this: the check is on the staged files.
 */
class WorkerImageContextTest {

  private static final Path REPO = SynthesizedAssembly.REPO;
  private static Container worker;

  @BeforeAll
  static void synth() throws IOException {
    Path zip = Files.createDirectories(REPO.resolve("infra/target/cdk-test")).resolve("context-function.zip");
    Files.write(zip, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    SynthesizedAssembly assembly = SynthesizedAssembly.synth(REPO.resolve("infra/target/cdk-test/context"),
        "--function-code", zip.toString());
    worker = assembly.containers().stream().filter(c -> c.name().equals("worker")).findFirst().orElseThrow();
  }

  private static List<String> dockerfileCopySources(Path dockerfile) throws IOException {
    List<String> sources = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s*(?:COPY|ADD)\\s+(?!--from)(?:--\\S+\\s+)*(.+?)\\s+\\S+\\s*$")
        .matcher(Files.readString(dockerfile));
    while (m.find()) sources.addAll(List.of(m.group(1).trim().split("\\s+")));
    return sources;
  }

  private static List<String> parentModules() throws IOException {
    List<String> modules = new ArrayList<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(REPO.resolve("pom.xml")));
    while (m.find()) modules.add(m.group(1));
    return modules;
  }

  @Test
  void theStagedContextHoldsEveryCopySourceAndTheWholeReactor() throws IOException {
    Path context = worker.buildContext();
    assertThat(context).as("the worker image is a Docker asset").isNotNull().isDirectory();
    Path dockerfile = context.resolve(worker.dockerfile());
    assertThat(dockerfile).isRegularFile();
    List<String> sources = dockerfileCopySources(dockerfile);
    assertThat(sources).contains("pom.xml", "gpu-worker/src/main");
    for (String src : sources) {
      assertThat(context.resolve(src)).as("COPY " + src + " from the staged context").exists();
    }
    for (String module : parentModules()) {
      assertThat(context.resolve(module).resolve("pom.xml")).as("module " + module + " of the parent pom").isRegularFile();
      assertThat(sources).as("the Dockerfile copies " + module + "/pom.xml").contains(module + "/pom.xml");
    }
    // what `mvn -pl gpu-worker -am` compiles: the worker and the modules it depends on
    for (String module : List.of("contracts", "src", "gpu-worker")) {
      // the core module (src/) keeps its sources in main/java (its pom's sourceDirectory)
      String javaDir = module.equals("src") ? "src/main/java" : module + "/src/main/java";
      assertThat(context.resolve(javaDir)).as(module + " sources").isDirectory();
      assertThat(Files.readString(REPO.resolve("gpu-worker/pom.xml")).contains("<artifactId>longvqa-"
          + (module.equals("src") ? "core" : module) + "</artifactId>") || module.equals("gpu-worker")).isTrue();
    }
  }

  @Test
  void theStagedContextIsOnlyWhatTheBuildNeeds() throws IOException {
    Path context = worker.buildContext();
    // no build outputs, node_modules or test sources travel to the Docker daemon
    try (var all = Files.walk(context)) {
      assertThat(all.map(p -> context.relativize(p).toString()))
          .noneMatch(p -> p.contains("target/") || p.contains("node_modules") || p.contains("src/test"));
    }
  }
}
