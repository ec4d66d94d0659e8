package dev.longvqa.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.audio.AudioProjectionShard;
import dev.longvqa.audio.SoundVideos;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.WorkerEnv;
import dev.longvqa.pipeline.JobId;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import dev.longvqa.reason.RecordingLanguageModel;
import dev.longvqa.runtime.llm.TinyLlama;
import dev.longvqa.worker.audio.AudioSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audio tokens in the worker's TDC context, as {@code longvqa ask --tdc} puts them: the tiny TDC
 * directory with an {@code audio_proj} shard and the tiny random-weight BEATs in its
 * {@code audio/beats.safetensors} (found there by default), a job whose video has a sound track in
 * the bucket. The worker decodes the job's sound, BEATs + {@code audio_proj} add 50 tokens per
 * static frame, and the task reports them beside the visual ones; a video without sound gets the
 * context a worker without BEATs builds, row for row.
 */
class TdcWorkerAudioTest {
    private static final String BUCKET = "media";
    private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();
    private static final int SECONDS = 12;

    @TempDir
    static Path dir;
    private static Emulators emu;
    private static FakeStepFunctions sfn;
    private static Path tdcDir;
    private static Path llm24;
    private static byte[] sound;
    private static byte[] mute;

    private final List<WorkerApp> apps = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        emu = new Emulators();
        sfn = new FakeStepFunctions();
        tdcDir = TinyTdcParts.tdcDir(dir.resolve("tdc"));
        // a stage-3 (audio-trained) checkpoint: one more shard with audio_proj (BEATs 64 -> LLM width)
        Files.move(tdcDir.resolve("model-00001-of-00001.safetensors"), tdcDir.resolve("model-00001-of-00002.safetensors"));
        AudioProjectionShard.write(tdcDir.resolve("model-00002-of-00002.safetensors"), TinyTdcParts.HIDDEN, 64, 5);
        Files.createDirectories(tdcDir.resolve("audio"));
        Files.copy(TinyTdcParts.golden("audio").resolve("beats_tiny.safetensors"), tdcDir.resolve("audio/beats.safetensors"));
        llm24 = TinyLlama.write(TinyTdcParts.llama32(), dir.resolve("llm24"), TinyTdcParts.HIDDEN, 7);
        sound = Files.readAllBytes(SoundVideos.write(dir.resolve("tone.mp4"), SECONDS, SoundVideos.toneAndNoise(SECONDS)));
        mute = Files.readAllBytes(SoundVideos.write(dir.resolve("mute.mp4"), SECONDS, null));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (sfn != null) sfn.close();
        if (emu != null) emu.close();
    }

    @AfterEach
    void stopWorkers() {
        apps.forEach(a -> a.stop(Duration.ofSeconds(5)));
    }

    /** What one segment pass over the whole video gave the model, and the task's output. */
    private record Pass(EmbeddingBlock block, JsonNode output) {}

    /** @param beats {@code LONGVQA_BEATS}: null for unset (the TDC directory's own file), {@code off}, or a path */
    private Pass segmentPass(byte[] video, String beats) throws Exception {
        Path root = dir.resolve("blobs-" + UUID.randomUUID());
        String key = "videos/" + UUID.randomUUID() + ".mp4";
        VideoRef ref = new VideoRef(BUCKET, key, null, "\"etag-1\"", (long) video.length);
        String jobId = JobId.of(BUCKET, key, null, "\"etag-1\"").value();
        Path bucket = root.resolve(BUCKET);
        Files.createDirectories(bucket.resolve(key).getParent());
        Files.write(bucket.resolve(key), video);
        Path job = bucket.resolve(S3Layout.jobPrefix(jobId));
        Files.createDirectories(job.resolve("frames/0"));
        Files.createDirectories(job.resolve("embeddings"));
        Files.writeString(job.resolve("scenes.json"), "{\"durationSec\": " + SECONDS + ".0, \"scenes\": ["
                + "{\"index\": 0, \"startSec\": 0.0, \"endSec\": 6.0}, {\"index\": 1, \"startSec\": 6.0, \"endSec\": " + SECONDS + ".0}]}");
        WorkerIntegrationTest.writeFrames(job, SECONDS);

        var q = emu.queues("tdc-audio-" + UUID.randomUUID(), 30, 3);
        AtomicReference<RecordingLanguageModel> model = new AtomicReference<>();
        WorkerEnvironment env = new WorkerEnvironment().set(WorkerEnv.TASK_QUEUE_URL, q.url()).set(WorkerEnv.LLM, "runtime:" + llm24)
                .set(WorkerEnv.TDC, tdcDir).set(WorkerEnv.TDC_BUDGET, 1024).set(WorkerEnv.DEVICE, "cpu")
                .set(WorkerEnv.LLM_MAX_TOKENS, 2).set(WorkerEnv.LLM_STARTUP_WAIT_SECONDS, 0).set(WorkerEnv.WAIT_SECONDS, 1)
                .set(WorkerEnv.HEARTBEAT_SECONDS, 5).set(WorkerEnv.VISIBILITY_SECONDS, 30).set(WorkerEnv.SHUTDOWN_GRACE_SECONDS, 5)
                .set(WorkerEnv.HEALTH_PORT, -1).set(WorkerEnv.SQS_ENDPOINT, emu.sqsEndpoint).set(WorkerEnv.SFN_ENDPOINT, sfn.endpoint())
                .set(WorkerEnv.DYNAMODB_ENDPOINT, emu.dynamoEndpoint).set(WorkerEnv.BLOB_ROOT, root);
        if (beats != null) env.set(WorkerEnv.BEATS, beats);
        apps.add(WorkerApp.start(env.build(), m -> {
            model.set(new RecordingLanguageModel(m));
            return model.get();
        }, java.util.function.UnaryOperator.identity()));

        String token = "tok-" + UUID.randomUUID();
        ObjectNode body = JSON.createObjectNode().put("taskToken", token).put("type", "segment").put("jobId", jobId)
                .put("scenesKey", S3Layout.scenes(jobId));
        body.putObject("video").put("bucket", BUCKET).put("key", key).put("etag", ref.etag()).put("sizeBytes", ref.sizeBytes());
        body.putObject("segment").put("index", 0).put("count", 1).put("startSec", 0.0).put("endSec", (double) SECONDS);
        emu.sqs.sendMessage(b -> b.queueUrl(q.url()).messageBody(body.toString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (sfn.accepted("SendTaskSuccess", token).isEmpty()) {
            assertThat(sfn.accepted("SendTaskFailure", token)).as("task failed").isEmpty();
            assertThat(System.nanoTime()).as("task outcome in time").isLessThan(deadline);
            Thread.sleep(50);
        }
        JsonNode out = JSON.readTree(sfn.accepted("SendTaskSuccess", token).getFirst().output());
        Prompt prompt = model.get().prompts.getFirst();
        EmbeddingBlock block = prompt.parts().stream().filter(p -> p instanceof Part.Embeddings)
                .map(p -> ((Part.Embeddings) p).block()).findFirst().orElseThrow();
        return new Pass(block, out);
    }

    @Test
    void framesOfAVideoWithSoundCarryFiftyAudioTokensEachAndTheTaskReportsThem() throws Exception {
        WorkerConfig unset = new WorkerEnvironment().set(WorkerEnv.TASK_QUEUE_URL, "http://q").build();
        assertThat(AudioSettings.beats(unset.beatsValue(), tdcDir)).as("the TDC directory's own BEATs file, as ask --tdc finds it")
                .isEqualTo(tdcDir.resolve("audio/beats.safetensors"));
        Pass heard = segmentPass(sound, null);
        Pass deaf = segmentPass(sound, "off");

        long audioTokens = heard.output().path("audioTokens").asLong();
        assertThat(audioTokens).as("50 per static frame").isPositive().satisfies(n -> assertThat(n % 50).isZero());
        assertThat(heard.output().path("audioMs").asLong()).as("decoding the sound for BEATs").isPositive();
        assertThat(deaf.output().path("audioTokens").asLong()).isZero();
        // the same frames, plus the audio rows: the context grew by exactly the reported audio tokens
        assertThat(heard.block().tokens()).isEqualTo(deaf.block().tokens() + audioTokens);
        assertThat(heard.output().path("visualTokens").asLong()).isEqualTo(heard.block().tokens());
    }

    @Test
    void aVideoWithoutSoundGetsTheContextAWorkerWithoutBeatsBuilds() throws Exception {
        Pass withBeatsMute = segmentPass(mute, tdcDir.resolve("audio/beats.safetensors").toString());
        Pass plain = segmentPass(mute, "off");
        assertThat(withBeatsMute.output().path("audioTokens").asLong()).isZero();
        assertThat(withBeatsMute.block().tokens()).isEqualTo(plain.block().tokens());
        assertThat(Arrays.equals(withBeatsMute.block().values(), plain.block().values())).isTrue();
    }
}
