package dev.longvqa.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.RequiredTool;
import dev.longvqa.audio.PocketSphinx;
import dev.longvqa.audio.SoundVideos;
import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.TranscriptSource;
import dev.longvqa.pipeline.JobId;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.WorkerEnv;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's audio with real speech: espeak-ng says "three" at known times into the sound track
 * of a moving video in the job's bucket; the worker decodes it, PocketSphinx transcribes it, and
 * the words reach the segment passes and the final pass of the stand-in OpenAI server at the
 * right times (±1 s), through the real queue (ElasticMQ), job table (dynalite) and task-token
 * calls. Bad sound only warns in the job row; a video without sound changes nothing.
 */
class WorkerAudioTest {
    private static final String BUCKET = "media";
    private static final String TABLE = "jobs";
    private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();
    private static final double SAID_FIRST = 3.0, SAID_SECOND = 14.0;
    /** The stack's {@code worker} choice with PocketSphinx; {@code off}: as before audio support. */
    private static final String POCKETSPHINX = "pocketsphinx", OFF = "off";

    private static Emulators emu;
    private static FakeStepFunctions sfn;
    private static FakeLlm llm;
    @TempDir
    static Path tmp;
    private static byte[] speech;

    @TempDir
    Path root;
    private final List<WorkerApp> apps = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        RequiredTool.require(SoundVideos.espeakAvailable(), "espeak-ng");
        RequiredTool.require(new PocketSphinx().available(), "pocketsphinx with pocketsphinx-en-us");
        speech = Files.readAllBytes(SoundVideos.write(tmp.resolve("speech.mp4"), 20, SoundVideos.speech(20,
                List.of(new SoundVideos.Say(SAID_FIRST, "three"), new SoundVideos.Say(SAID_SECOND, "three")), tmp)));
        emu = new Emulators();
        emu.createJobsTable(TABLE);
        sfn = new FakeStepFunctions();
        llm = new FakeLlm();
    }

    @AfterAll
    static void stop() throws Exception {
        if (llm != null) llm.close();
        if (sfn != null) sfn.close();
        if (emu != null) emu.close();
    }

    @AfterEach
    void stopWorkers() {
        apps.forEach(WorkerApp::kill);
    }

    /** One uploaded video with its decode outputs (20 s, two scenes, 1 fps frames) and its job row. */
    private record Job(String id, VideoRef video) {}

    private Job seed(byte[] videoBytes) throws Exception {
        String key = "videos/" + UUID.randomUUID() + ".mp4";
        VideoRef video = new VideoRef(BUCKET, key, null, "\"" + UUID.randomUUID() + "\"", 1234L);
        String id = JobId.of(BUCKET, key, null, video.etag()).value();
        Path bucket = root.resolve(BUCKET);
        Path upload = bucket.resolve(key);
        Files.createDirectories(upload.getParent());
        Files.write(upload, videoBytes);
        Path job = bucket.resolve(S3Layout.jobPrefix(id));
        Files.createDirectories(job.resolve("frames/0"));
        Files.createDirectories(job.resolve("embeddings"));
        Files.writeString(job.resolve("scenes.json"), """
                {"durationSec": 20.0, "scenes": [
                  {"index": 0, "startSec": 0.0, "endSec": 10.0, "representativeSec": 5.0},
                  {"index": 1, "startSec": 10.0, "endSec": 20.0, "representativeSec": 15.0}]}""");
        WorkerIntegrationTest.writeFrames(job, 20);
        emu.dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("jobId", AttributeValue.fromS(id),
                "status", AttributeValue.fromS("REASONING"))));
        return new Job(id, video);
    }

    @Test
    void spokenWordsReachTheSegmentPassesAndTheFinalPromptAtTheirTimes() throws Exception {
        Job job = seed(speech);
        var q = emu.queues("speech-" + UUID.randomUUID(), 30, 3);
        llm.behaviour = r -> FakeLlm.Reply.ok(FakeLlm.userText(r).contains("</think>") ? "They say three." : "a summary");
        start(q, POCKETSPHINX);
        int before = llm.requests().size();

        // both segments at once: one recognition for the job, shared by the two tasks
        JsonNode seg0 = run(q, segmentBody(job, 0, 0, 10));
        JsonNode seg1 = run(q, segmentBody(job, 1, 10, 20));
        List<String> prompts = llm.requests().subList(before, llm.requests().size()).stream().map(FakeLlm::userText).toList();
        String first = prompts.stream().filter(p -> p.contains("from 0s to 10s")).findFirst().orElseThrow();
        String second = prompts.stream().filter(p -> p.contains("from 10s to 20s")).findFirst().orElseThrow();
        assertThat(spokenAt(first, "three")).singleElement().satisfies(t -> assertThat(Math.abs(t - SAID_FIRST)).isLessThanOrEqualTo(1));
        assertThat(spokenAt(second, "three")).singleElement().satisfies(t -> assertThat(Math.abs(t - SAID_SECOND)).isLessThanOrEqualTo(1));

        // the transcript is stored with the job's artifacts, on the video's clock
        JsonNode transcript = JSON.readTree(root.resolve(BUCKET).resolve(S3Layout.transcript(job.id())).toFile());
        assertThat(transcript.path("engine").asText()).isEqualTo("pocketsphinx");
        List<Double> threes = new ArrayList<>();
        transcript.path("words").forEach(w -> { if (w.path("text").asText().equals("three")) threes.add(w.path("startSec").asDouble()); });
        assertThat(threes).hasSize(2);
        assertThat(Math.abs(threes.get(0) - SAID_FIRST)).isLessThanOrEqualTo(1);
        assertThat(Math.abs(threes.get(1) - SAID_SECOND)).isLessThanOrEqualTo(1);

        // audio costs beside the visual ones: recognition was paid once, by one of the two tasks
        assertThat(seg0.path("audioMs").asLong() + seg1.path("audioMs").asLong()).isPositive();
        assertThat(seg0.path("audioTokens").asLong()).isZero(); // no TDC context, no BEATs tokens
        // summaries made from speech are keyed apart from transcript-less ones
        JsonNode summary = JSON.readTree(root.resolve(BUCKET).resolve(seg0.path("segmentKey").asText()).toFile());
        assertThat(summary.path("transcriptEngine").asText()).isEqualTo("pocketsphinx");

        // the final pass (a text-only model here: no frames) gets what was said, both times
        int beforeAnswer = llm.requests().size();
        JsonNode answer = run(q, answerBody(job, seg0, seg1));
        assertThat(answer.path("answers").get(0).path("answer").asText()).isEqualTo("They say three.");
        String finalPrompt = FakeLlm.userText(llm.requests().get(beforeAnswer));
        assertThat(finalPrompt).contains("</think>");
        List<Double> heard = spokenAt(finalPrompt, "three");
        assertThat(heard).hasSize(2);
        assertThat(Math.abs(heard.get(0) - SAID_FIRST)).isLessThanOrEqualTo(1);
        assertThat(Math.abs(heard.get(1) - SAID_SECOND)).isLessThanOrEqualTo(1);
        assertThat(answer.path("audioMs").asLong()).isZero(); // read back from S3, not recognised again
        assertThat(row(job).get(JobRow.AUDIO_WARNINGS)).isNull();
    }

    @Test
    void whisperNamedByTheWorkersConfigurationMakesTheJobsTimedTranscript() throws Exception {
        Job job = seed(speech);
        var q = emu.queues("whisper-" + UUID.randomUUID(), 30, 3);
        llm.behaviour = r -> FakeLlm.Reply.ok("a summary");
        // LONGVQA_ASR=whisper:DIR, the tiny random-weight checkpoint of the core's goldens: nonsense words, real plumbing
        start(q, "whisper:" + dev.longvqa.GoldenFiles.find("whisper/tiny"));
        JsonNode seg0 = run(q, segmentBody(job, 0, 0, 10));
        JsonNode transcript = JSON.readTree(root.resolve(BUCKET).resolve(S3Layout.transcript(job.id())).toFile());
        assertThat(transcript.path("engine").asText()).isEqualTo("whisper:tiny");
        assertThat(transcript.path("words")).isNotEmpty();
        double previous = 0;
        for (JsonNode w : transcript.path("words")) {
            assertThat(w.path("startSec").asDouble()).isGreaterThanOrEqualTo(previous);
            // within the decoded sound (20 s of video; AAC adds a few ms of padding)
            assertThat(w.path("endSec").asDouble()).isBetween(w.path("startSec").asDouble(), 20.05);
            previous = w.path("startSec").asDouble();
        }
        assertThat(seg0.path("audioMs").asLong()).isPositive();
        assertThat(row(job).get(JobRow.AUDIO_WARNINGS)).isNull();
    }

    @Test
    void aVideoWithoutSoundGetsExactlyThePromptsAndCacheItGotBefore() throws Exception {
        Job job = seed(Files.readAllBytes(SoundVideos.write(tmp.resolve("mute-" + UUID.randomUUID() + ".mp4"), 20, null)));
        llm.behaviour = r -> FakeLlm.Reply.ok("a summary");
        var off = emu.queues("mute-off-" + UUID.randomUUID(), 30, 3);
        WorkerApp without = start(off, OFF);
        int before = llm.requests().size();
        JsonNode plain = run(off, segmentBody(job, 0, 0, 10));
        String plainPrompt = FakeLlm.userText(llm.requests().get(before));
        without.kill();
        // drop the cached summary so the audio-enabled worker makes its own pass
        Files.delete(root.resolve(BUCKET).resolve(S3Layout.cachedSegment(cacheKeyOf(job, plain))));

        var on = emu.queues("mute-on-" + UUID.randomUUID(), 30, 3);
        start(on, POCKETSPHINX);
        int mid = llm.requests().size();
        JsonNode heard = run(on, segmentBody(job, 0, 0, 10));
        assertThat(FakeLlm.userText(llm.requests().get(mid))).isEqualTo(plainPrompt);
        assertThat(cacheKeyOf(job, heard)).isEqualTo(cacheKeyOf(job, plain)); // same cache identity as before audio
        assertThat(heard.path("audioTokens").asLong()).isZero();
        assertThat(row(job).get(JobRow.AUDIO_WARNINGS)).isNull(); // no sound stream is nothing to warn about
    }

    @Test
    void silentOrCorruptSoundWarnsInTheJobRowAndTheTaskStillSucceeds() throws Exception {
        llm.behaviour = r -> FakeLlm.Reply.ok("a summary");
        var q = emu.queues("bad-sound-" + UUID.randomUUID(), 30, 3);
        start(q, POCKETSPHINX);

        Job silent = seed(Files.readAllBytes(SoundVideos.write(tmp.resolve("silent-" + UUID.randomUUID() + ".mp4"), 20,
                new float[20 * SoundVideos.RATE])));
        int before = llm.requests().size();
        JsonNode out = run(q, segmentBody(silent, 0, 0, 10));
        assertThat(out.path("segmentKey").asText()).isEqualTo(S3Layout.segment(silent.id(), 0));
        assertThat(FakeLlm.userText(llm.requests().get(before))).doesNotContain("Speech");
        assertThat(row(silent).get(JobRow.AUDIO_WARNINGS).ss()).singleElement().asString().contains("silent");
        assertThat(row(silent).get("status").s()).isEqualTo("REASONING"); // the worker never touches the status

        Job corrupt = seed(corruptAudioPackets(speech));
        int mid = llm.requests().size();
        run(q, segmentBody(corrupt, 0, 0, 10));
        assertThat(FakeLlm.userText(llm.requests().get(mid))).doesNotContain("Speech");
        assertThat(row(corrupt).get(JobRow.AUDIO_WARNINGS).ss()).singleElement().asString().startsWith("audio skipped");
    }

    // --- helpers ---

    /** "[13s] three" → 13.0 for every line of the prompt's transcript that has the word. */
    private static List<Double> spokenAt(String prompt, String word) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\[(\\d+)s\\] ([^\\[]*)").matcher(prompt.substring(Math.max(0, prompt.indexOf("Speech"))));
        while (m.find()) {
            if (List.of(m.group(2).strip().split("\\s+")).contains(word)) out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    /** Scribbles over every audio packet (positions from the demuxer), leaving the video packets whole. */
    private static byte[] corruptAudioPackets(byte[] video) throws Exception {
        Path f = Files.write(tmp.resolve("to-corrupt-" + UUID.randomUUID() + ".mp4"), video);
        byte[] b = video.clone();
        java.util.Random rnd = new java.util.Random(11);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(f.toFile())) {
            g.start();
            int audio = g.getAudioStream();
            org.bytedeco.ffmpeg.avcodec.AVPacket p;
            while ((p = g.grabPacket()) != null) {
                if (p.stream_index() == audio && p.pos() >= 0) {
                    for (long i = p.pos(); i < p.pos() + p.size() && i < b.length; i++) b[(int) i] = (byte) rnd.nextInt();
                }
            }
        }
        return b;
    }

    private String cacheKeyOf(Job job, JsonNode output) throws Exception {
        return JSON.readTree(root.resolve(BUCKET).resolve(output.path("segmentKey").asText()).toFile()).path("cacheKey").asText();
    }

    private Map<String, AttributeValue> row(Job job) {
        return emu.dynamo.getItem(b -> b.tableName(TABLE).consistentRead(true).key(Map.of("jobId", AttributeValue.fromS(job.id())))).item();
    }

    private WorkerApp start(Emulators.Queues q, String asr) throws Exception {
        WorkerEnvironment env = new WorkerEnvironment().set(WorkerEnv.TASK_QUEUE_URL, q.url()).set(WorkerEnv.TABLE, TABLE)
                .set(WorkerEnv.LLM_BASE_URL, llm.baseUrl()).set(WorkerEnv.LLM_MODEL, "test-model")
                .set(WorkerEnv.WAIT_SECONDS, 1).set(WorkerEnv.HEARTBEAT_SECONDS, 0.5).set(WorkerEnv.VISIBILITY_SECONDS, 30)
                .set(WorkerEnv.SHUTDOWN_GRACE_SECONDS, 10).set(WorkerEnv.HEALTH_PORT, -1).set(WorkerEnv.CONCURRENCY, 2)
                .set(WorkerEnv.LLM_STARTUP_WAIT_SECONDS, 0)
                .set(WorkerEnv.MAX_FRAMES, 0) // a text-only model: the transcript is all the final pass hears of the video
                .set(WorkerEnv.SQS_ENDPOINT, emu.sqsEndpoint).set(WorkerEnv.SFN_ENDPOINT, sfn.endpoint())
                .set(WorkerEnv.DYNAMODB_ENDPOINT, emu.dynamoEndpoint).set(WorkerEnv.BLOB_ROOT, root);
        // what the stack sets for --transcripts worker (and nothing for off: the pre-audio worker)
        if (!asr.equals(OFF)) env.set(WorkerEnv.TRANSCRIPT, TranscriptSource.WORKER.value()).set(WorkerEnv.ASR, asr);
        WorkerApp app = WorkerApp.start(env.build());
        apps.add(app);
        return app;
    }

    /** Sends one task and returns its SendTaskSuccess output. */
    private static JsonNode run(Emulators.Queues q, ObjectNode body) throws Exception {
        String token = "tok-" + UUID.randomUUID();
        body.put("taskToken", token);
        emu.sqs.sendMessage(b -> b.queueUrl(q.url()).messageBody(body.toString()));
        await(Duration.ofSeconds(120), () -> !sfn.accepted("SendTaskSuccess", token).isEmpty()
                || !sfn.accepted("SendTaskFailure", token).isEmpty(), "the task's outcome");
        assertThat(sfn.accepted("SendTaskFailure", token)).isEmpty();
        return JSON.readTree(sfn.accepted("SendTaskSuccess", token).getFirst().output());
    }

    private static ObjectNode base(Job job, String type) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", type).put("jobId", job.id());
        body.putObject("video").put("bucket", job.video().bucket()).put("key", job.video().key()).put("etag", job.video().etag())
                .put("sizeBytes", job.video().sizeBytes());
        body.put("scenesKey", S3Layout.scenes(job.id()));
        return body;
    }

    private static ObjectNode segmentBody(Job job, int index, double start, double end) {
        ObjectNode body = base(job, "segment");
        body.putObject("segment").put("index", index).put("count", 2).put("startSec", start).put("endSec", end);
        return body;
    }

    private static ObjectNode answerBody(Job job, JsonNode... segments) {
        ObjectNode body = base(job, "answer");
        var keys = body.putArray("segmentKeys");
        for (JsonNode s : segments) keys.add(s.path("segmentKey").asText());
        body.putArray("questions").addObject().put("id", "q0").put("text", "What number is said?");
        return body;
    }

    private static void await(Duration max, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }
}
