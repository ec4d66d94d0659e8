package dev.longvqa.infra.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.longvqa.contract.WorkerEnv;
import dev.longvqa.infra.deploy.SynthesizedAssembly.Container;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GPU worker as the task definition runs it: the packaged worker jar started with exactly the
 * container's template environment (references resolved to emulators), the image's own {@code ENV}
 * lines from its Dockerfile, and what ECS gives a task (credentials; here the emulators' endpoints).
 * The model is the one the stack provisions ({@code --model openai:URL}, a fake OpenAI server here,
 * as a vLLM sidecar would answer). The one deviation: the health port is a free one, because tests
 * share this machine.
 */
class DeployedWorkerIT {

  private static final Path WORK = SynthesizedAssembly.REPO.resolve("infra/target/deploy-it/worker");
  private static CloudEmulators emu;
  private static HttpServer fakeLlm;
  private static HttpServer fakeSfn;
  private static final List<String> llmCalls = new CopyOnWriteArrayList<>();
  private static final List<String> sfnCalls = new CopyOnWriteArrayList<>();
  private static Container worker;
  private static Intrinsics intrinsics;

  @BeforeAll
  static void deploy() throws Exception {
    fakeLlm = server((path, body) -> {
      llmCalls.add(path);
      return path.endsWith("/models") ? "{\"object\":\"list\",\"data\":[{\"id\":\"fake-vlm\",\"object\":\"model\"}]}" : "{}";
    });
    fakeSfn = server((target, body) -> {
      sfnCalls.add(target + " " + body);
      return "{}";
    });
    String llmUrl = "http://127.0.0.1:" + fakeLlm.getAddress().getPort() + "/v1";
    SynthesizedAssembly assembly = SynthesizedAssembly.synth(WORK.resolve("cdk.out"), "--model", "openai:" + llmUrl);
    emu = new CloudEmulators(WORK.resolve("logs"));
    intrinsics = wire(assembly, emu);
    worker = worker(assembly);
  }

  /** The template's references resolved to the emulators: region, bucket, table, and a queue per queue. */
  static Intrinsics wire(SynthesizedAssembly assembly, CloudEmulators emu) {
    Intrinsics intrinsics = new Intrinsics().ref("AWS::Region", CloudEmulators.REGION);
    assembly.resources("AWS::S3::Bucket").forEach((id, r) -> intrinsics.ref(id, "longvqa-deployed"));
    assembly.resources("AWS::DynamoDB::Table").forEach((id, r) -> intrinsics.ref(id, "longvqa-jobs"));
    assembly.resources("AWS::SQS::Queue").forEach((id, r) -> intrinsics.ref(id, emu.createQueue(id)));
    return intrinsics;
  }

  /** The task definition's worker container. */
  static Container worker(SynthesizedAssembly assembly) {
    return assembly.containers().stream().filter(c -> c.name().equals("worker")).findFirst().orElseThrow();
  }

  @AfterAll
  static void tearDown() {
    if (fakeLlm != null) fakeLlm.stop(0);
    if (fakeSfn != null) fakeSfn.stop(0);
    if (emu != null) emu.close();
  }

  interface Handler {
    String answer(String pathOrTarget, String body);
  }

  static HttpServer server(Handler h) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext("/", x -> {
      try (x) {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String target = x.getRequestHeaders().getFirst("X-Amz-Target");
        byte[] out = h.answer(target != null ? target : x.getRequestURI().getPath(), body).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", target != null ? "application/x-amz-json-1.0" : "application/json");
        x.sendResponseHeaders(200, out.length);
        x.getResponseBody().write(out);
      }
    });
    s.start();
    return s;
  }

  /** The image's {@code ENV} settings that the worker reads (the Dockerfile is what the image is built from). */
  static Map<String, String> imageEnvironment() throws IOException {
    String dockerfile = Files.readString(SynthesizedAssembly.REPO.resolve("gpu-worker/Dockerfile"));
    Map<String, String> env = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^\\s*(?:ENV\\s+)?([A-Z_]+)=(\\S+)\\s*\\\\?$").matcher(dockerfile);
    while (m.find()) {
      for (WorkerEnv w : WorkerEnv.values()) {
        if (w.variable().equals(m.group(1))) env.put(m.group(1), m.group(2));
      }
    }
    return env;
  }

  private static Process start(Map<String, String> containerEnv, int healthPort, Path log) throws IOException {
    return start(emu, "http://127.0.0.1:" + fakeSfn.getAddress().getPort(), WORK, containerEnv, healthPort, log);
  }

  /**
   * The packaged worker jar as its container runs it: the image's ENV lines, what ECS gives a task
   * (credentials, here the emulators' endpoints), then exactly {@code containerEnv}.
   */
  static Process start(CloudEmulators emu, String sfnEndpoint, Path work, Map<String, String> containerEnv, int healthPort,
      Path log) throws IOException {
    Path target = SynthesizedAssembly.REPO.resolve("gpu-worker/target");
    String jar;
    try (var files = Files.list(target)) {
      jar = files.filter(p -> p.getFileName().toString().matches("longvqa-gpu-worker-.*\\.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("gpu-worker is not packaged")).toString();
    }
    String cp = jar + ":" + Files.readString(target.resolve("classpath.txt")).strip();
    ProcessBuilder pb = new ProcessBuilder(CloudEmulators.java(), "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Xmx768m", "-XX:+UseSerialGC", "-cp", cp, "dev.longvqa.worker.WorkerMain")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("HOME", work.toString());
    env.put("DJL_CACHE_DIR", work.resolve("djl").toString());
    env.putAll(imageEnvironment());
    env.putAll(emu.platformEnvironment());
    env.put("AWS_ENDPOINT_URL_SFN", sfnEndpoint);
    env.remove("AWS_REGION"); // the task definition must set it: the worker refuses to guess
    env.remove("AWS_DEFAULT_REGION");
    env.putAll(containerEnv);
    env.put(WorkerEnv.HEALTH_PORT.variable(), Integer.toString(healthPort));
    return pb.start();
  }

  /** The status of {@code /ready} once it is 200, or the last one seen when the process ends or time runs out. */
  static int awaitReady(Process p, int port, Duration max) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + max.toMillis();
    int status = 0;
    while (System.currentTimeMillis() < deadline && p.isAlive()) {
      try {
        status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) break;
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    return status;
  }

  @Test
  void theWorkerStartedWithItsTaskDefinitionReachesItsModelTakesTasksAndAnswersThem() throws Exception {
    Map<String, String> env = intrinsics.resolveAll(worker.environment());
    assertThat(env).containsKeys(WorkerEnv.TASK_QUEUE_URL.variable(), WorkerEnv.AWS_REGION.variable(), WorkerEnv.LLM.variable());
    int port = CloudEmulators.freePort();
    Process p = start(env, port, Files.createDirectories(WORK).resolve("worker.log"));
    try {
      int status = awaitReady(p, port, Duration.ofMinutes(2));
      long deadline;
      assertThat(status).as("worker ready; log:\n" + Files.readString(WORK.resolve("worker.log"))).isEqualTo(200);
      assertThat(llmCalls).as("the worker asked the provisioned model").anyMatch(c -> c.endsWith("/v1/models"));

      // a task it cannot do, with a token: it must answer the waiting execution through Step Functions
      String queueUrl = env.get(WorkerEnv.TASK_QUEUE_URL.variable());
      emu.sqsClient.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"taskToken\":\"tok-deployed\",\"type\":\"segment\"}"));
      deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline && sfnCalls.stream().noneMatch(c -> c.contains("tok-deployed"))) {
        Thread.sleep(200);
      }
      assertThat(sfnCalls).as(Files.readString(WORK.resolve("worker.log")))
          .anyMatch(c -> c.startsWith("AWSStepFunctions.SendTaskFailure") && c.contains("tok-deployed")
              && c.contains("LongVqa.BAD_REQUEST"));
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRenamedOrMissingVariableStopsTheWorkerWithItsName() throws Exception {
    Map<String, String> env = new LinkedHashMap<>(intrinsics.resolveAll(worker.environment()));
    env.put("QUEUE_URL", env.remove(WorkerEnv.TASK_QUEUE_URL.variable())); // the worker's old name
    Path log = Files.createDirectories(WORK).resolve("worker-renamed.log");
    Process p = start(env, CloudEmulators.freePort(), log);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log)).contains("bad configuration").contains(WorkerEnv.TASK_QUEUE_URL.variable());

    List<String> lines = new ArrayList<>();
    Map<String, String> noRegion = new LinkedHashMap<>(intrinsics.resolveAll(worker.environment()));
    noRegion.remove(WorkerEnv.AWS_REGION.variable());
    Path log2 = WORK.resolve("worker-no-region.log");
    Process q = start(noRegion, CloudEmulators.freePort(), log2);
    assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(q.exitValue()).isNotZero();
    lines.add(Files.readString(log2));
    assertThat(lines.get(0)).contains(WorkerEnv.AWS_REGION.variable());
  }
}
