package dev.longvqa.worker;

import dev.longvqa.worker.store.BlobStore;

import dev.longvqa.contract.TaskMessage;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.WorkerEnv;

import dev.longvqa.contract.S3Layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.pipeline.JobId;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.tdc.TdcVisualContext;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.RecordingLanguageModel;
import dev.longvqa.runtime.llm.TinyLlama;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import dev.longvqa.reason.backend.TorchSave;
import dev.longvqa.tdc.TdcPlanner;
import dev.longvqa.tdc.TdcSettings;
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
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worker with {@code LONGVQA_TDC}: the core's tiny random-weight TDC vision side (ViT towers,
 * SVA projector, Q-Former, BERT tokenizer) in the conventional directory layout, and a
 * random-weight Llama of the projector's width in the embedded runtime ({@code runtime:}), over
 * ElasticMQ, the fake Step Functions endpoint and the file blob store. Outputs are gibberish;
 * what is checked is what the model is given, what is read, and what is recorded.
 *
 * <p>A 90 s job (90 frames at 1 fps, three 30 s scenes) with {@code TDC_BUDGET=1K}: the tiny
 * layout's frame cap at 1K is 28 (224 per 8K), so every context here selects 28 of more frames,
 * as the reference's 224 at 8K do on any video over 224 s.
 */
class TdcWorkerTest {
    private static final String BUCKET = "media";
    private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();
    private static final int FRAMES = 90;
    private static final int BUDGET = 1024;

    @TempDir
    static Path dir;
    private static Emulators emu;
    private static FakeStepFunctions sfn;
    private static Path tdcDir;
    private static Path llm24;

    private final List<WorkerApp> apps = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        emu = new Emulators();
        sfn = new FakeStepFunctions();
        tdcDir = TinyTdcParts.tdcDir(dir.resolve("tdc"));
        llm24 = TinyLlama.write(TinyTdcParts.llama32(), dir.resolve("llm24"), TinyTdcParts.HIDDEN, 7);
    }

    @AfterAll
    static void tearDown() throws Exception {
        sfn.close();
        emu.close();
    }

    @AfterEach
    void stopWorkers() {
        apps.forEach(a -> a.stop(Duration.ofSeconds(5)));
    }

    @Test
    void segmentAndAnswerPassesGetTheirPlannedTdcContextFromOnlyTheSelectedFrames() throws Exception {
        Path root = dir.resolve("blobs-" + UUID.randomUUID());
        Job job = seedJob(root);
        var q = emu.queues("tdc-" + UUID.randomUUID(), 30, 3);
        AtomicReference<RecordingLanguageModel> model = new AtomicReference<>();
        List<String> reads = Collections.synchronizedList(new ArrayList<>());
        startRecording(q, root, model, reads);
        TdcSettings forVideo = TinyTdcParts.settings(BUDGET).forVideo(16, 16, true);

        // --- segment 0 of 2: [0 s, 45 s), scenes 0-30 and 30-45 -> 30 + 15 frames
        String token = "tok-" + UUID.randomUUID();
        String body = segmentBody(job, token, 0, 2, 0.0, 45.0);
        send(q.url(), body);
        JsonNode out = success(token);
        // the reference profile: the prompt's real token count, adapt_segment's scenes over the capped frames
        int segmentText = referenceText(model.get().inner, TdcVisualContext.SEGMENT_CONDITIONING);
        int planned = referencePlanned(0, 45, segmentText, forVideo);
        int[] selected = TdcPlanner.selectFrames(45, segmentText, forVideo);
        assertThat(selected).as("the cap picks 28 of the segment's 45 frames").hasSize(28);

        assertThat(model.get().prompts).hasSize(1);
        assertCarriesExactly(model.get(), 0, planned);
        // only the planner's pick was downloaded, each once; no image frames were fetched besides
        assertThat(jpegReads(reads)).containsExactlyInAnyOrderElementsOf(keys(job, selected));
        assertThat(peakFrameReads.get()).as("the selected frames are fetched concurrently").isGreaterThan(1);
        assertThat(out.path("visualTokens").asLong()).isEqualTo(planned);
        assertThat(out.path("tdcMs").asLong()).isPositive();
        assertThat(out.path("cached").asBoolean()).isFalse();
        JsonNode segment = JSON.readTree(root.resolve(BUCKET).resolve(out.path("segmentKey").asText()).toFile());
        assertThat(segment.path("visualTokens").asLong()).isEqualTo(planned);
        assertThat(segment.path("framesEncoded").asLong()).isEqualTo(selected.length);
        assertThat(segment.path("tdcMs").asLong()).isEqualTo(out.path("tdcMs").asLong());
        assertThat(segment.path("frameTimesSec")).extracting(JsonNode::asInt).containsExactlyElementsOf(ints(selected));
        assertThat(segment.path("promptTokens").asLong()).isEqualTo(model.get().completions.getFirst().promptTokens());

        // the summary is keyed apart from one an image pass of the same model would make
        TaskMessage.SegmentTask task = (TaskMessage.SegmentTask) new TaskMessages().parse(body);
        String imageKey = new SegmentTaskHandler(name -> null, BUCKET,
                new LvcotEngine(model.get().inner, WorkerModel.settings(config(q, root).build())), 8).cacheKey(task);
        assertThat(segment.path("cacheKey").asText()).isNotEqualTo(imageKey);

        // the same segment again: served from the cache, no TDC context, no frame read, no model pass
        reads.clear();
        String again = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(job, again, 0, 2, 0.0, 45.0));
        JsonNode hit = success(again);
        assertThat(hit.path("cached").asBoolean()).isTrue();
        assertThat(hit.path("visualTokens").asLong()).isZero();
        assertThat(jpegReads(reads)).isEmpty();
        assertThat(model.get().prompts).hasSize(1);

        // --- answer: two questions over the whole video (30 + 30 + 30 frames), each its own context
        reads.clear();
        Path segs = root.resolve(BUCKET).resolve("jobs").resolve(job.id()).resolve("segments");
        Files.writeString(segs.resolve("1.json"), "{\"index\":1,\"startSec\":45.0,\"endSec\":90.0,\"summary\":\"The cat leaves.\"}");
        String answerToken = "tok-" + UUID.randomUUID();
        List<String> questions = List.of("What enters?", "Which colour is the last scene?");
        send(q.url(), answerBody(job, answerToken, questions));
        JsonNode answers = success(answerToken);
        assertThat(answers.path("answers")).hasSize(2);
        assertThat(model.get().prompts).hasSize(3);
        long visual = 0;
        String think = "<think>" + segment.path("summary").asText() + " The cat leaves.</think>";
        for (int i = 0; i < 2; i++) {
            int text = referenceText(model.get().inner, think + questions.get(i));
            int whole = referencePlanned(0, FRAMES, text, forVideo);
            assertCarriesExactly(model.get(), 1 + i, whole);
            visual += whole;
            JsonNode stored = JSON.readTree(root.resolve(BUCKET).resolve(answers.path("answers").get(i).path("answerKey").asText()).toFile());
            assertThat(stored.path("visualTokens").asLong()).isEqualTo(whole);
            assertThat(stored.path("tdcMs").asLong()).isPositive();
            // the towers see the 28 picked frames once: the second question takes them from the task's cache
            assertThat(stored.path("framesEncoded").asLong()).as("question %d", i).isEqualTo(i == 0 ? 28 : 0);
        }
        assertThat(answers.path("visualTokens").asLong()).isEqualTo(visual);
        int[] wholePick = TdcPlanner.selectFrames(FRAMES, referenceText(model.get().inner, think + questions.getFirst()), forVideo);
        assertThat(wholePick).hasSize(28);
        // 28 of 90 frames read, once for both questions
        assertThat(jpegReads(reads)).containsExactlyInAnyOrderElementsOf(keys(job, wholePick));
        // the final pass is conditioned on its question: same frames, other question, other visual tokens
        float[] a = block(model.get().prompts.get(1)).values(), b = block(model.get().prompts.get(2)).values();
        assertThat(a.length).isEqualTo(b.length);
        assertThat(Arrays.equals(a, b)).isFalse();
        // and the question follows the <think> notes of both segments
        String lastText = text(model.get().prompts.get(2));
        assertThat(lastText).contains("<think>", "The cat leaves.", questions.get(1));
        assertThat(lastText.indexOf("</think>")).isLessThan(lastText.lastIndexOf(questions.get(1)));
    }

    /** A TDC worker on the tiny runtime model whose passes {@code model} records and whose blob reads land in {@code reads}. */
    private WorkerApp startRecording(Emulators.Queues q, Path root, AtomicReference<RecordingLanguageModel> model, List<String> reads) throws Exception {
        WorkerApp app = WorkerApp.start(config(q, root).set(WorkerEnv.LLM, "runtime:" + llm24).build(),
                m -> {
                    model.set(new RecordingLanguageModel(m));
                    return model.get();
                },
                stores -> name -> new CountingStore(stores.bucket(name), reads));
        apps.add(app);
        return app;
    }

    @Test
    void underTheReferenceProfileAPartIsCutByFrameCountWhateverTimeRangeTheTaskNames() throws Exception {
        Path root = dir.resolve("blobs-" + UUID.randomUUID());
        Job job = seedJob(root);
        var q = emu.queues("tdc-parts-" + UUID.randomUUID(), 30, 3);
        AtomicReference<RecordingLanguageModel> model = new AtomicReference<>();
        List<String> reads = Collections.synchronizedList(new ArrayList<>());
        startRecording(q, root, model, reads);
        TdcSettings forVideo = TinyTdcParts.settings(BUDGET).forVideo(16, 16, true);

        // The workflow's Map item says part 0 of 2 is [0 s, 60 s); eval/cot.py gives it 90 // 2 = 45 frames.
        String token = "tok-" + UUID.randomUUID();
        send(q.url(), segmentBody(job, token, 0, 2, 0.0, 60.0));
        JsonNode out = success(token);
        int segmentText = referenceText(model.get().inner, TdcVisualContext.SEGMENT_CONDITIONING);
        int[] selected = TdcPlanner.selectFrames(45, segmentText, forVideo);
        assertCarriesExactly(model.get(), 0, referencePlanned(0, 45, segmentText, forVideo));
        assertThat(jpegReads(reads)).containsExactlyInAnyOrderElementsOf(keys(job, selected));
        assertThat(out.path("visualTokens").asLong()).isEqualTo(referencePlanned(0, 45, segmentText, forVideo));
    }

    @Test
    void overOpenAiEmbedsThePlannedBlockRidesInsideThePromptEmbedsSentToTheServer() throws Exception {
        Path root = dir.resolve("blobs-" + UUID.randomUUID());
        Job job = seedJob(root);
        // the full HF checkpoint: TDC's tensors plus the LLM's tokenizer and embedding table (the text side of openai-embeds:)
        Path full = TinyTdcParts.tdcDir(dir.resolve("tdc-full-" + UUID.randomUUID()));
        Files.copy(llm24.resolve("tokenizer.json"), full.resolve("tokenizer.json"));
        Files.copy(llm24.resolve("model.safetensors"), full.resolve("model-00002-of-00002.safetensors"));
        var q = emu.queues("tdc-embeds-" + UUID.randomUUID(), 30, 3);
        AtomicReference<RecordingLanguageModel> model = new AtomicReference<>();
        try (FakeLlm server = new FakeLlm()) {
            server.behaviour = r -> FakeLlm.Reply.ok("a summary");
            apps.add(WorkerApp.start(config(q, root).set(WorkerEnv.LLM, "openai-embeds:" + server.baseUrl()).set(WorkerEnv.LLM_MODEL, "tdc-qwen2")
                    .set(WorkerEnv.TDC, full).build(), m -> {
                        model.set(new RecordingLanguageModel(m));
                        return model.get();
                    }, stores -> stores));
            String token = "tok-" + UUID.randomUUID();
            send(q.url(), segmentBody(job, token, 1, 2, 45.0, 90.0));
            JsonNode out = success(token);

            TdcSettings forVideo = TinyTdcParts.settings(BUDGET).forVideo(16, 16, true);
            // the last segment, 45 s to 90 s: 15 + 30 frames of scenes 1 and 2
            int planned = referencePlanned(45, 90, referenceText(model.get().inner, TdcVisualContext.SEGMENT_CONDITIONING), forVideo);
            assertThat(out.path("visualTokens").asLong()).isEqualTo(planned);
            JsonNode request = server.requests().getLast();
            assertThat(request.path("model").asText()).isEqualTo("tdc-qwen2");
            TorchSave.Tensor sent = TorchSave.read(Base64.getDecoder().decode(request.path("prompt_embeds").asText()));
            assertThat(sent.shape()[1]).isEqualTo(TinyTdcParts.HIDDEN);
            assertThat(sent.shape()[0]).as("text rows around the visual block").isGreaterThan(planned);
            // the TDC block the model was given, as it looks on the wire (bf16), sits in the tensor whole
            var given = block(model.get().prompts.getFirst());
            assertThat(given.tokens()).isEqualTo(planned);
            float[] onWire = TorchSave.read(TorchSave.write(given.values(), new long[]{planned, TinyTdcParts.HIDDEN}, sent.dtype())).values();
            assertThat(indexOf(sent.values(), onWire, TinyTdcParts.HIDDEN)).as("block rows inside prompt_embeds").isNotNegative();
        }
    }

    @Test
    void aModelOfAnotherWidthOrMissingTdcPartsStopStartUp() throws Exception {
        Path root = dir.resolve("blobs-" + UUID.randomUUID());
        var q = emu.queues("tdc-bad-" + UUID.randomUUID(), 30, 3);
        assertThatThrownBy(() -> apps.add(WorkerApp.start(config(q, root).set(WorkerEnv.LLM, "runtime:" + TinyTdcParts.llama32()).build())))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("width 24").hasMessageContaining("hidden size 32");

        Path partial = dir.resolve("tdc-partial");
        Files.createDirectories(partial);
        Files.copy(tdcDir.resolve("model-00001-of-00001.safetensors"), partial.resolve("model.safetensors"));
        assertThatThrownBy(() -> apps.add(WorkerApp.start(config(q, root).set(WorkerEnv.LLM, "runtime:" + llm24).set(WorkerEnv.TDC, partial).build())))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("SigLIP").hasMessageContaining("DINOv2").hasMessageContaining("bert/tokenizer.json");
        assertThat(apps).isEmpty();
    }

    @Test
    void theWorkerProcessExitsAtStartUpWithTheReasonWhenTheModelDoesNotFitTheTdcCheckpoint() throws Exception {
        // the real entry point, configured only by environment: exit 1 and a line that says what to fix
        Path log = dir.resolve("main-" + UUID.randomUUID() + ".log");
        Process p = workerMain(log, java.util.Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "http://127.0.0.1:9/q", "LONGVQA_LLM", "runtime:" + TinyTdcParts.llama32(),
                "LONGVQA_TDC", tdcDir.toString(), "DEVICE", "cpu", "HEALTH_PORT", "-1"));
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("could not start: BAD_REQUEST: the TDC checkpoint projects frames to width 24")
                .contains("hidden size 32");

        Path badBudget = dir.resolve("main-" + UUID.randomUUID() + ".log");
        Process q = workerMain(badBudget, java.util.Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "http://127.0.0.1:9/q", "LONGVQA_TDC", tdcDir.toString(),
                "TDC_BUDGET", "100"));
        assertThat(q.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).as("a configuration error").isEqualTo(2);
        assertThat(Files.readString(badBudget)).contains("bad configuration").contains("TDC_BUDGET");
    }

    private static Process workerMain(Path log, java.util.Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
        pb.environment().keySet().removeIf(k -> k.startsWith("LONGVQA_") || k.startsWith("TDC_") || k.startsWith("LLM_"));
        pb.environment().putAll(env);
        pb.environment().putAll(java.util.Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1"));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    // --- helpers ---

    private record Job(String id, VideoRef video) {}

    /** 90 frames at 1 fps in range 0 (16 px JPEGs, colour by time), three 30 s scenes, as the decode and segment steps leave them. */
    private static Job seedJob(Path root) throws Exception {
        String key = "videos/" + UUID.randomUUID() + ".mp4";
        VideoRef video = new VideoRef(BUCKET, key, null, "\"etag-1\"", 1234L);
        String jobId = JobId.of(BUCKET, key, null, "\"etag-1\"").value();
        Path job = root.resolve(BUCKET).resolve("jobs").resolve(jobId);
        Files.createDirectories(job.resolve("frames/0"));
        Files.createDirectories(job.resolve("embeddings"));
        Files.createDirectories(job.resolve("segments"));
        Files.writeString(job.resolve("scenes.json"), """
                {"durationSec": 90.0, "scenes": [
                  {"index": 0, "startSec": 0.0, "endSec": 30.0, "representativeSec": 15.0},
                  {"index": 1, "startSec": 30.0, "endSec": 60.0, "representativeSec": 45.0},
                  {"index": 2, "startSec": 60.0, "endSec": 90.0, "representativeSec": 75.0}]}""");
        WorkerIntegrationTest.writeFrames(job, FRAMES);
        return new Job(jobId, video);
    }

    private WorkerEnvironment config(Emulators.Queues q, Path root) {
        return new WorkerEnvironment().set(WorkerEnv.TASK_QUEUE_URL, q.url()).set(WorkerEnv.LLM, "runtime:" + llm24)
                .set(WorkerEnv.TDC, tdcDir).set(WorkerEnv.TDC_BUDGET, BUDGET).set(WorkerEnv.DEVICE, "cpu")
                .set(WorkerEnv.LLM_MAX_TOKENS, 3).set(WorkerEnv.LLM_STARTUP_WAIT_SECONDS, 0).set(WorkerEnv.WAIT_SECONDS, 1)
                .set(WorkerEnv.HEARTBEAT_SECONDS, 5).set(WorkerEnv.VISIBILITY_SECONDS, 30).set(WorkerEnv.POISON_BACKOFF_SECONDS, 1)
                .set(WorkerEnv.SHUTDOWN_GRACE_SECONDS, 5).set(WorkerEnv.HEALTH_PORT, -1)
                .set(WorkerEnv.SQS_ENDPOINT, emu.sqsEndpoint).set(WorkerEnv.SFN_ENDPOINT, sfn.endpoint())
                .set(WorkerEnv.DYNAMODB_ENDPOINT, emu.dynamoEndpoint).set(WorkerEnv.BLOB_ROOT, root);
    }

    /** The text tokens the reference profile plans with: the model's count of "<video>\n" + text under the reference system turn. */
    private static int referenceText(dev.longvqa.reason.LanguageModel model, String afterVideo) {
        return model.textTokens(new Prompt(dev.longvqa.reason.LvcotSettings.REFERENCE_SYSTEM, List.of(
                new Part.Embeddings(new dev.longvqa.reason.EmbeddingBlock(0, 1, new float[0])), Part.text("\n" + afterVideo)))).orElseThrow();
    }

    /**
     * The visual tokens of a reference-profile context over seeded frames [from, to): the
     * reference scene split computed independently on the tiny TDC towers, then the plan.
     */
    private static int referencePlanned(int from, int to, int textTokens, TdcSettings forVideo) throws Exception {
        var files = dev.longvqa.tdc.TdcModelFiles.inDirectory(tdcDir, null, null, null, null).requireExisting();
        try (var vision = dev.longvqa.tdc.TdcVision.load(files.visionFiles(), files.settings(TinyTdcParts.settings(BUDGET)), "cpu")) {
            List<Integer> scenes = vision.referenceScenes(to - from, textTokens, i -> decode(from + i),
                    new dev.longvqa.tdc.ProjectedFrames.Geometry(16, 16, true), dev.longvqa.tdc.ReferenceSceneSplit.MAX_SEGMENTS);
            return TdcPlanner.plan(scenes, textTokens, forVideo).visualTokens();
        }
    }

    private static dev.longvqa.video.RgbImage decode(int t) {
        try {
            var img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(WorkerIntegrationTest.jpeg(t)));
            return dev.longvqa.video.Images.fromBufferedImage(img);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Pass {@code i} got one embeddings block of exactly {@code planned} rows of the model's
     * width, and the model counted exactly the text plus those rows as its prompt.
     */
    private static void assertCarriesExactly(RecordingLanguageModel m, int i, int planned) {
        Prompt prompt = m.prompts.get(i);
        Part.Embeddings only = prompt.parts().stream().filter(p -> p instanceof Part.Embeddings).map(p -> (Part.Embeddings) p)
                .reduce((x, y) -> { throw new AssertionError("two embeddings blocks in pass " + i); }).orElseThrow();
        assertThat(only.block().tokens()).as("pass %d", i).isEqualTo(planned);
        assertThat(only.block().hidden()).isEqualTo(TinyTdcParts.HIDDEN);
        assertThat(prompt.parts()).noneMatch(p -> p instanceof Part.Image);
        Prompt textOnly = new Prompt(prompt.system(), prompt.parts().stream().filter(p -> !(p instanceof Part.Embeddings)).toList());
        int textTokens = m.inner.complete(textOnly, new DecodingSettings(1, 0)).promptTokens();
        assertThat(m.completions.get(i).promptTokens()).as("pass %d prompt tokens", i).isEqualTo(textTokens + planned);
    }

    private static dev.longvqa.reason.EmbeddingBlock block(Prompt p) {
        return p.parts().stream().filter(x -> x instanceof Part.Embeddings).map(x -> ((Part.Embeddings) x).block()).findFirst().orElseThrow();
    }

    private static String text(Prompt p) {
        StringBuilder sb = new StringBuilder();
        p.parts().stream().filter(x -> x instanceof Part.Text).forEach(x -> sb.append(((Part.Text) x).text()));
        return sb.toString().strip();
    }

    private static List<String> jpegReads(List<String> reads) {
        synchronized (reads) {
            return reads.stream().filter(k -> k.endsWith(".jpg")).toList();
        }
    }

    /** Row offset (in rows of {@code width}) where {@code needle} sits in {@code haystack}, or -1. */
    private static int indexOf(float[] haystack, float[] needle, int width) {
        for (int row = 0; (long) row * width + needle.length <= haystack.length; row++) {
            if (Arrays.equals(haystack, row * width, row * width + needle.length, needle, 0, needle.length)) return row;
        }
        return -1;
    }

    private static List<String> keys(Job job, int[] indices) {
        return Arrays.stream(indices).mapToObj(i -> S3Layout.frame(job.id(), 0, i)).toList();
    }

    private static List<Integer> ints(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static ObjectNode base(Job job, String token, String type) {
        ObjectNode body = JSON.createObjectNode();
        body.put("taskToken", token).put("type", type).put("jobId", job.id());
        body.putObject("video").put("bucket", job.video().bucket()).put("key", job.video().key()).put("etag", job.video().etag())
                .put("sizeBytes", job.video().sizeBytes());
        body.put("scenesKey", S3Layout.scenes(job.id()));
        return body;
    }

    private static String segmentBody(Job job, String token, int index, int count, double start, double end) throws Exception {
        ObjectNode body = base(job, token, "segment");
        body.putObject("segment").put("index", index).put("count", count).put("startSec", start).put("endSec", end);
        return JSON.writeValueAsString(body);
    }

    private static String answerBody(Job job, String token, List<String> questions) throws Exception {
        ObjectNode body = base(job, token, "answer");
        body.putArray("segmentKeys").add(S3Layout.segment(job.id(), 0)).add(S3Layout.segment(job.id(), 1));
        var qs = body.putArray("questions");
        for (int i = 0; i < questions.size(); i++) qs.addObject().put("id", "q" + i).put("text", questions.get(i));
        return JSON.writeValueAsString(body);
    }

    private static void send(String queueUrl, String body) {
        emu.sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
    }

    private static JsonNode success(String token) throws Exception {
        await(Duration.ofSeconds(60), () -> !sfn.accepted("SendTaskSuccess", token).isEmpty()
                || !sfn.accepted("SendTaskFailure", token).isEmpty(), "task report");
        assertThat(sfn.accepted("SendTaskFailure", token)).as("task failure").isEmpty();
        return JSON.readTree(sfn.accepted("SendTaskSuccess", token).getFirst().output());
    }

    private static void await(Duration max, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /** Most frame reads seen in flight at once (CountingStore). */
    private static final java.util.concurrent.atomic.AtomicInteger peakFrameReads = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger frameReadsInFlight = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A blob store that records every key read, then reads it from the real one; a frame read
     * takes 5 ms, like a GET that is not free, so concurrent reads overlap measurably.
     */
    private record CountingStore(BlobStore inner, List<String> reads) implements BlobStore {
        @Override
        public Optional<byte[]> get(String key) {
            reads.add(key);
            if (!key.endsWith(".jpg")) return inner.get(key);
            peakFrameReads.accumulateAndGet(frameReadsInFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5);
                return inner.get(key);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                frameReadsInFlight.decrementAndGet();
            }
        }

        @Override
        public void put(String key, byte[] bytes, String contentType) {
            inner.put(key, bytes, contentType);
        }

        @Override
        public List<String> list(String prefix, int limit) {
            return inner.list(prefix, limit);
        }
    }
}
