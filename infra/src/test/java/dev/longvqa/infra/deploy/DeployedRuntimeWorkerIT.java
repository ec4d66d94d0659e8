package dev.longvqa.infra.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.longvqa.contract.WorkerEnv;
import dev.longvqa.infra.deploy.SynthesizedAssembly.Container;
import dev.longvqa.runtime.llm.TinyLlama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Model mode "Java runtime with weights from S3" as deployed: the stack synthesized with
 * {@code --model runtime:s3://…}, a tiny random-weight Llama checkpoint (the core's test builder) in
 * the emulated bucket under that prefix, and the worker jar started with exactly its task
 * definition's environment. It copies the checkpoint to its model directory, opens it in-process and
 * only then reports ready. The one deviation besides the health port: {@code LONGVQA_MODEL_DIR}
 * points at this test's directory (the instance-storage mount of a real task).
 */
class DeployedRuntimeWorkerIT {
  private static final Path WORK = SynthesizedAssembly.REPO.resolve("infra/target/deploy-it/runtime-worker");
  private static final String MODELS = "longvqa-models";
  private static final String PREFIX = "tiny-llama/";
  private static CloudEmulators emu;
  private static HttpServer fakeSfn;
  private static final List<String> sfnCalls = new CopyOnWriteArrayList<>();
  private static Container worker;
  private static Intrinsics intrinsics;

  @BeforeAll
  static void deploy() throws Exception {
    fakeSfn = DeployedWorkerIT.server((target, body) -> {
      sfnCalls.add(target + " " + body);
      return "{}";
    });
    SynthesizedAssembly assembly = SynthesizedAssembly.synth(WORK.resolve("cdk.out"), "--model", "runtime:s3://" + MODELS + "/" + PREFIX);
    emu = new CloudEmulators(WORK.resolve("logs"));
    intrinsics = DeployedWorkerIT.wire(assembly, emu);
    worker = DeployedWorkerIT.worker(assembly);

    // a fresh checkpoint and an empty model directory each run, so the copy really happens
    for (Path stale : List.of(WORK.resolve("checkpoint"), WORK.resolve("instance-storage"))) {
      if (Files.exists(stale)) {
        try (Stream<Path> walk = Files.walk(stale)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
      }
    }
    // the core's golden Llama layout (config, tokenizer) at a tiny width, random weights
    Path checkpoint = TinyLlama.write(SynthesizedAssembly.REPO.resolve("src/test/resources/golden/llm/llama"),
        Files.createDirectories(WORK).resolve("checkpoint"), 32, 1);
    try {
      emu.s3Client.createBucket(b -> b.bucket(MODELS));
    } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException again) {
      // S3Mock keeps its buckets between runs in this directory; the objects are written anew below
    }
    try (Stream<Path> files = Files.walk(checkpoint)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String key = PREFIX + checkpoint.relativize(f).toString().replace('\\', '/');
        emu.s3Client.putObject(b -> b.bucket(MODELS).key(key), RequestBody.fromFile(f));
      }
    }
  }

  @AfterAll
  static void tearDown() {
    if (fakeSfn != null) fakeSfn.stop(0);
    if (emu != null) emu.close();
  }

  @Test
  void theWorkerCopiesItsCheckpointFromS3OpensItAndTakesTasks() throws Exception {
    Map<String, String> env = new java.util.LinkedHashMap<>(intrinsics.resolveAll(worker.environment()));
    assertThat(env.get(WorkerEnv.LLM.variable())).isEqualTo("runtime:s3://" + MODELS + "/" + PREFIX);
    Path modelDir = WORK.resolve("instance-storage");
    env.put(WorkerEnv.MODEL_DIR.variable(), modelDir.toString());
    int port = CloudEmulators.freePort();
    Path log = WORK.resolve("worker.log");
    Process p = DeployedWorkerIT.start(emu, "http://127.0.0.1:" + fakeSfn.getAddress().getPort(), WORK, env, port, log);
    try {
      int status = DeployedWorkerIT.awaitReady(p, port, Duration.ofMinutes(3));
      assertThat(status).as("worker ready; log:\n" + Files.readString(log)).isEqualTo(200);
      try (Stream<Path> copied = Files.list(modelDir.resolve("llm"))) {
        assertThat(copied.map(f -> f.getFileName().toString())).contains("config.json", "model.safetensors");
      }
      assertThat(Files.readString(log)).contains("copied s3://" + MODELS + "/" + PREFIX);

      // the task loop runs over that model: a bad task is answered through Step Functions
      String queueUrl = env.get(WorkerEnv.TASK_QUEUE_URL.variable());
      emu.sqsClient.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"taskToken\":\"tok-runtime\",\"type\":\"segment\"}"));
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline && sfnCalls.stream().noneMatch(c -> c.contains("tok-runtime"))) {
        Thread.sleep(200);
      }
      assertThat(sfnCalls).as(Files.readString(log))
          .anyMatch(c -> c.startsWith("AWSStepFunctions.SendTaskFailure") && c.contains("tok-runtime"));
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
