package dev.longvqa.infra.deploy;

import dev.longvqa.infra.deploy.SynthesizedAssembly.LambdaFunction;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One Lambda function started the way the managed {@code java21} runtime starts it: the staged code
 * asset unpacked as the task root ({@code /var/task}: classes at the root, jars in {@code lib/}), the
 * runtime interface client's {@code AWSLambda} main with the template's {@code Handler}, the
 * template's environment resolved against the emulators, plus what Lambda itself sets. Invocations
 * go through {@link LambdaRuntimeApi}, as Lambda's would.
 */
final class DeployedFunction implements AutoCloseable {

  /** Variables Lambda reserves (a template may not set them; the runtime sets them itself). */
  static final Set<String> RESERVED = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
      "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
      "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
      "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
      "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

  final LambdaFunction function;
  private final LambdaRuntimeApi api;
  private final Process process;
  final Path log;

  /** Unpacks a staged zip asset once into {@code dir} (Lambda unpacks it into /var/task). */
  static Path unpack(Path zip, Path dir) {
    if (Files.isDirectory(dir)) return dir;
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        Path target = tmp.resolve(e.getName()).normalize();
        if (!target.startsWith(tmp)) throw new IOException("zip entry outside the task root: " + e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(z, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(tmp, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + zip, e);
    }
    return dir;
  }

  /**
   * @param templateEnvironment the function's variables, resolved; a test may drop or rename one to
   *                            show that the function notices
   */
  DeployedFunction(LambdaFunction function, Path taskRoot, Map<String, String> templateEnvironment,
                   Map<String, String> platform, Path workDir) throws IOException {
    this.function = function;
    String arn = "arn:aws:lambda:" + CloudEmulators.REGION + ":111122223333:function:" + function.logicalId();
    this.api = new LambdaRuntimeApi(arn);
    Path tmp = Files.createDirectories(workDir.resolve(function.logicalId() + "-tmp"));
    this.log = workDir.resolve(function.logicalId() + ".log");

    List<String> cmd = new ArrayList<>(List.of(CloudEmulators.java(),
        // the managed runtime's JVM flags (java21): serial GC, C1 only, heap from the memory size
        "-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
        "-Xmx" + Math.min(function.memoryMb() * 85 / 100, 1024) + "m",
        "-Djava.io.tmpdir=" + tmp, // Lambda: /tmp, the only writable directory
        "-cp", runtimeClientClassPath(),
        "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", function.handler()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(taskRoot.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.clear(); // nothing of the test JVM's environment leaks in
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.putAll(templateEnvironment);
    env.putAll(platform);
    env.put("_HANDLER", function.handler());
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
    env.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_RUNTIME_API", api.address());
    this.process = pb.start();
  }

  /** The open-source runtime interface client and its libraries (its pom's dependencies), from this test's class path. */
  private static String runtimeClientClassPath() {
    String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.matches(".*/(aws-lambda-java-(runtime-interface-client|core|serialization)|utils-lite)-[^/]*\\.jar"))
        .collect(Collectors.joining(File.pathSeparator));
    if (!cp.contains("runtime-interface-client")) throw new IllegalStateException("runtime interface client not on the class path");
    return cp;
  }

  LambdaRuntimeApi.Outcome invoke(String event) throws Exception {
    if (!process.isAlive()) {
      return new LambdaRuntimeApi.Outcome(true, "process exited " + process.exitValue() + ": " + logText());
    }
    return api.invoke(event, Duration.ofMinutes(3));
  }

  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    api.close();
  }
}
