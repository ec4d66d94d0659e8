package dev.longvqa.local.cloud;

import dev.longvqa.cli.FakeOpenAiServer;
import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.local.asl.Execution;
import dev.longvqa.local.asl.ExecutionStatus;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole workflow on one machine: the real ASL file, the real function services, the real worker,
 * S3Mock, dynalite and ElasticMQ; only the LLM is a local OpenAI-compatible test server.
 */
@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalCloudEndToEndTest {
    @TempDir
    static Path dir;
    static LocalCloud cloud;
    /** The LLM, stood in for; the gate holds every request until it opens: an execution stays in its GPU task. */
    static FakeOpenAiServer llm;

    @BeforeAll
    static void up() throws Exception {
        dev.longvqa.local.LocalCli.commandLineForTests(); // picks the SDK's HTTP client as `main` does
        llm = FakeOpenAiServer.lvcot();
        cloud = TestClouds.builder(dir)
                .worker(LocalWiring.worker(llm.spec()))
                .build();
    }

    @AfterAll
    static void down() {
        if (cloud != null) cloud.close();
        if (llm != null) llm.close();
    }

    static CliRun local(String... args) {
        return CliRun.of(dir.resolve("cloud"), args);
    }

    @Test
    @Order(1)
    void uploadRunsTheWorkflowToTwoAnswersAndADuplicateStartsNothing() throws Exception {
        SyntheticVideo.Generated v = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.SHAPES, 8)
                .shot(SyntheticVideo.ShotType.PAN, 8).shot(SyntheticVideo.ShotType.ZOOM, 8).build().write(dir.resolve("talk one.mp4"));
        CliRun r = local("upload", v.path().toString(), "--question", "What moves?", "--question", "What colour is it?",
                "--wait", "--json", "--timeout", "240");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode job = Json.mapper().readTree(r.out());
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.get("answers")).hasSize(2);
        assertThat(job.get("answers").get(0).get("question").asText()).isEqualTo("What moves?");
        assertThat(job.get("answers").get(1).get("answer").asText()).startsWith("answer ");
        assertThat(job.get("scenes")).hasSize(3);
        // token and time costs reach the row: every LLM request the fake served cost 50 + 5
        int served = llm.prompts.size();
        assertThat(job.at("/tokens/prompt").asLong()).isEqualTo(50L * served);
        assertThat(job.at("/tokens/completion").asLong()).isEqualTo(5L * served);
        assertThat(job.at("/tokens/visual").asLong()).as("no TDC configured").isZero();
        assertThat(job.get("segments")).isNotEmpty();
        assertThat(job.at("/segments/0/segmentKey").asText()).endsWith("/segments/0.json");
        assertThat(job.at("/segments/0/prompt").asLong()).isEqualTo(50);
        assertThat(job.at("/timings/reason").isNumber()).isTrue();
        assertThat(job.at("/timings/answer").isNumber()).isTrue();
        String jobId = job.get("jobId").asText();
        CliRun status = local("status", jobId, "--json");
        assertThat(status.exit()).isZero();
        assertThat(Json.mapper().readTree(status.out()).get("status").asText()).isEqualTo("SUCCEEDED");
        CliRun answer = local("answer", jobId);
        assertThat(answer.exit()).isZero();
        assertThat(answer.out()).contains("What moves?").contains(job.get("answers").get(0).get("answer").asText());
        assertThat(local("status", "0123456789abcdef0123456789abcdef").exit()).isEqualTo(2);
        int requests = llm.prompts.size();
        int executions = cloud.executor().executions().size();

        // The same bytes again: EventBridge would deliver a new event; the job must not run twice.
        CliRun again = local("upload", v.path().toString(), "--question", "What moves?", "--question", "What colour is it?",
                "--wait", "--json", "--timeout", "60");
        assertThat(again.exit()).isZero();
        assertThat(Json.mapper().readTree(again.out()).get("jobId").asText()).isEqualTo(job.get("jobId").asText());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (cloud.executor().executions().size() == executions && System.nanoTime() < deadline) {
            cloud.scanNow();
            Thread.sleep(200);
        }
        List<Execution> all = cloud.executor().executions(); // newest first
        List<Execution> later = all.subList(0, all.size() - executions);
        assertThat(later).isNotEmpty();
        for (Execution e : later) {
            JsonNode out = e.await(java.time.Duration.ofSeconds(60)).output();
            assertThat(out.path("action").asText()).isIn("DUPLICATE", "IGNORED");
        }
        assertThat(llm.prompts).hasSize(requests);
    }

    @Test
    @Order(2)
    void aBadFileEndsFailedWithATypedReasonAndStaysInTheBucket() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "this is not a video\n".repeat(50));
        CliRun r = local("upload", text.toString(), "--wait", "--json", "--timeout", "120");
        JsonNode job = Json.mapper().readTree(r.out());
        assertThat(job.get("status").asText()).isEqualTo("FAILED");
        assertThat(job.get("errorType").asText()).isEqualTo("NOT_A_VIDEO");
        assertThat(job.get("errorMessage").asText()).isNotBlank();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(cloud.clients().s3().headObject(b -> b.bucket(cloud.endpoints().bucket()).key(cloud.endpoints().uploadPrefix() + "notes.mp4")).contentLength())
                .isEqualTo(Files.size(text));
    }

    @Test
    @Order(3)
    void aKeyOutsideTheRulesPatternStartsNothing() throws Exception {
        int before = cloud.executor().executions().size();
        Path video = SyntheticVideo.builder().size(64, 36).fps(5).shot(SyntheticVideo.ShotType.SHAPES, 2).build()
                .write(dir.resolve("outside.mp4")).path();
        CliRun r = local("upload", video.toString(), "--key", "elsewhere/" + cloud.endpoints().uploadPrefix() + "outside.mp4");
        assertThat(r.exit()).as(r.err()).isZero();
        for (int i = 0; i < 3; i++) {
            cloud.scanNow();
            Thread.sleep(300);
        }
        assertThat(cloud.executor().executions()).hasSize(before);
    }

    /**
     * Load without loss: 20 short videos put within a second, then the same bytes again for five of
     * them. Every video ends SUCCEEDED or FAILED with a type, with one row and exactly one execution
     * that did the work (the duplicates' executions stop at registration).
     */
    @Test
    @Order(4)
    @Timeout(600)
    void aBurstOfUploadsAllEndWithOneRowAndOneWorkingExecutionEach() throws Exception {
        int n = 20;
        String bucket = cloud.endpoints().bucket();
        List<Path> videos = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            videos.add(SyntheticVideo.builder().size(64, 36).fps(4).seed(100 + i).shot(SyntheticVideo.ShotType.SHAPES, 2)
                    .shot(SyntheticVideo.ShotType.NOISE, 2).build().write(dir.resolve("burst-" + i + ".mp4")).path());
        }
        int before = cloud.executor().executions().size();
        java.util.Map<String, String> jobs = new java.util.concurrent.ConcurrentHashMap<>(); // key -> job id
        long t0 = System.nanoTime();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) { // all at once
            for (Path v : videos) {
                pool.submit(() -> {
                    String key = cloud.endpoints().uploadPrefix() + v.getFileName();
                    String etag = cloud.clients().s3().putObject(b -> b.bucket(bucket).key(key),
                            software.amazon.awssdk.core.sync.RequestBody.fromFile(v)).eTag();
                    jobs.put(key, dev.longvqa.pipeline.JobId.of(bucket, key, null, etag).value());
                    return null;
                });
            }
        }
        double putSec = (System.nanoTime() - t0) / 1e9;
        assertThat(jobs).hasSize(n);
        cloud.scanNow();
        for (Path v : videos.subList(0, 5)) { // the same bytes again: a duplicate delivery of the same job
            cloud.clients().s3().putObject(b -> b.bucket(bucket).key(cloud.endpoints().uploadPrefix() + v.getFileName()),
                    software.amazon.awssdk.core.sync.RequestBody.fromFile(v));
        }
        cloud.scanNow();
        System.out.printf("burst: %d uploads put in %.2f s, 5 duplicates after them%n", n, putSec);

        for (java.util.Map.Entry<String, String> job : jobs.entrySet()) {
            var row = CloudCommands.waitFor(cloud.clients(), job.getValue(), java.time.Duration.ofSeconds(480));
            String status = StatusView.status(row);
            assertThat(status).as(job.getKey()).isIn("SUCCEEDED", "FAILED");
            if (status.equals("FAILED")) {
                assertThat(StatusView.render(cloud.clients(), row).path("errorType").asText()).as(job.getKey()).isNotBlank();
            }
        }
        List<Execution> started = cloud.executor().executions().subList(0, cloud.executor().executions().size() - before);
        java.util.Map<String, Integer> working = new java.util.HashMap<>();
        java.util.Map<String, Integer> all = new java.util.HashMap<>();
        for (Execution e : started) {
            String key = e.input().at("/detail/object/key").asText();
            all.merge(key, 1, Integer::sum);
            JsonNode out = e.await(java.time.Duration.ofSeconds(120)).output();
            if (out == null || !out.path("action").asText().equals("DUPLICATE")) working.merge(key, 1, Integer::sum);
        }
        assertThat(all.keySet()).containsExactlyInAnyOrderElementsOf(jobs.keySet());
        assertThat(all.values().stream().mapToInt(Integer::intValue).sum()).as("every delivered event started an execution")
                .isBetween(n, n + 5);
        assertThat(working).as("one working execution per video").hasSize(n).allSatisfy((k, c) -> assertThat(c).isEqualTo(1));
    }

    /**
     * The seam no Catch can cover: an execution stopped from outside (StopExecution) ends ABORTED
     * without running any state, so only the template's execution-status rule can record it. The
     * executor's status change event goes through that rule's InputTransformer to the record
     * function, which marks the job FAILED with the stop's cause.
     */
    @Test
    @Order(5)
    void aStoppedExecutionLeavesTheJobFailedThroughTheTemplatesStatusRule() throws Exception {
        llm.gate = new java.util.concurrent.CountDownLatch(1);
        try {
            Path video = SyntheticVideo.builder().size(64, 36).fps(4).seed(7).shot(SyntheticVideo.ShotType.SHAPES, 2).build()
                    .write(dir.resolve("stopped.mp4")).path();
            CliRun r = local("upload", video.toString(), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            String jobId = Json.mapper().readTree(r.out()).get("jobId").asText();
            String key = cloud.endpoints().uploadPrefix() + "stopped.mp4";
            // the fake LLM holds the worker: the execution waits in a GPU task until it is stopped
            Execution running = null;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (running == null && System.nanoTime() < deadline) {
                cloud.scanNow();
                running = cloud.executor().executions().stream()
                        .filter(e -> e.input().at("/detail/object/key").asText().equals(key) && e.status() == ExecutionStatus.RUNNING
                                && llm.held.get() > 0)
                        .findFirst().orElse(null);
                Thread.sleep(200);
            }
            assertThat(running).as("an execution waiting in its GPU task").isNotNull();
            String arn = running.arn();
            cloud.clients().sfn().stopExecution(b -> b.executionArn(arn).error("Operator.Stop").cause("stopped by the operator"));
            assertThat(running.await(java.time.Duration.ofSeconds(10)).status()).isEqualTo(ExecutionStatus.ABORTED);

            var row = CloudCommands.waitFor(cloud.clients(), jobId, java.time.Duration.ofSeconds(60));
            JsonNode job = StatusView.render(cloud.clients(), row);
            assertThat(StatusView.status(row)).isEqualTo("FAILED");
            assertThat(job.path("errorType").asText()).as("the rule sends the execution's status as the error").isEqualTo("ABORTED");
            assertThat(job.path("errorMessage").asText()).isEqualTo("stopped by the operator");
        } finally {
            llm.gate.countDown();
            llm.gate = null;
        }
    }

    /**
     * Sound through the local stack, which chose the worker's recogniser (no Transcribe emulator):
     * the workflow's transcript Choice goes straight on, the worker reads the upload from S3 through
     * a presigned URL, PocketSphinx hears espeak-ng's "three" at 3 s and 14 s, and the words reach
     * the final prompt at their times; the transcript is stored with the job and shown with it. A
     * silent track is only a warning in the row: the job still succeeds.
     */
    @Test
    @Order(6)
    void speechReachesTheFinalPromptAndSilenceIsOnlyAWarning() throws Exception {
        dev.longvqa.RequiredTool.require(dev.longvqa.audio.SoundVideos.espeakAvailable(), "espeak-ng");
        dev.longvqa.RequiredTool.require(new dev.longvqa.audio.PocketSphinx().available(), "pocketsphinx with pocketsphinx-en-us");
        Path video = dev.longvqa.audio.SoundVideos.write(dir.resolve("speech.mp4"), 20, dev.longvqa.audio.SoundVideos.speech(20,
                List.of(new dev.longvqa.audio.SoundVideos.Say(3, "three"), new dev.longvqa.audio.SoundVideos.Say(14, "three")), dir));
        int before = llm.prompts.size();
        CliRun r = local("upload", video.toString(), "--question", "What number is said?", "--wait", "--json", "--timeout", "300");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode job = Json.mapper().readTree(r.out());
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.has("audioWarnings")).as(job.toString()).isFalse();
        List<Double> threes = new java.util.ArrayList<>();
        job.at("/transcript/words").forEach(w -> { if (w.path("text").asText().equals("three")) threes.add(w.path("startSec").asDouble()); });
        assertThat(threes).hasSize(2);
        assertThat(Math.abs(threes.get(0) - 3)).isLessThanOrEqualTo(1);
        assertThat(Math.abs(threes.get(1) - 14)).isLessThanOrEqualTo(1);
        assertThat(job.at("/timings/audio").asLong()).as("recognition time in the row").isPositive();
        // the final pass (the last request) reads what was said, on the video's clock
        String last = Json.mapper().readTree(llm.prompts.get(llm.prompts.size() - 1)).toString();
        assertThat(llm.prompts.size()).isGreaterThan(before);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[(\\d+)s\\] three").matcher(last);
        List<Integer> heard = new java.util.ArrayList<>();
        while (m.find()) heard.add(Integer.parseInt(m.group(1)));
        assertThat(last).contains("What number is said?");
        assertThat(heard).hasSize(2);
        assertThat(Math.abs(heard.get(0) - 3)).isLessThanOrEqualTo(1);
        assertThat(Math.abs(heard.get(1) - 14)).isLessThanOrEqualTo(1);

        Path quiet = dev.longvqa.audio.SoundVideos.write(dir.resolve("quiet.mp4"), 6, new float[6 * dev.longvqa.audio.SoundVideos.RATE]);
        CliRun q = local("upload", quiet.toString(), "--wait", "--json", "--timeout", "240");
        JsonNode silent = Json.mapper().readTree(q.out());
        assertThat(silent.get("status").asText()).as(q.err()).isEqualTo("SUCCEEDED");
        assertThat(silent.get("audioWarnings")).singleElement().satisfies(w -> assertThat(w.asText()).contains("silent"));
    }
}
