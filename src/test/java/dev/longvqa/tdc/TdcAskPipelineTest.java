package dev.longvqa.tdc;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.pipeline.AskPipeline;
import dev.longvqa.pipeline.FrameStore;
import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.error.LongVqaException;

import dev.longvqa.error.ErrorCode;

import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.SegmentContextProvider;
import dev.longvqa.reason.RecordingLanguageModel;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import dev.longvqa.reason.SegmentCache;
import dev.longvqa.reason.SegmentOutput;
import dev.longvqa.reason.SegmentRule;
import dev.longvqa.reason.backend.BackendOptions;
import dev.longvqa.reason.backend.LanguageModels;
import dev.longvqa.runtime.llm.TinyLlama;
import dev.longvqa.scenes.Scene;
import dev.longvqa.video.RgbImage;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ask} with the TDC context end to end: a synthetic 36 s video, the tiny random-weight TDC
 * vision side of the goldens (ViT towers, SVA, Q-Former, BERT tokenizer) and a random-weight
 * Llama of the projector's width in the DJL runtime. Outputs are gibberish; what is checked is
 * where the visual tokens go, what they are conditioned on, and what the cache saves.
 */
class TdcAskPipelineTest {
    @TempDir
    static Path dir;
    static SyntheticVideo.Generated video;
    static LanguageModel runtime;
    static TdcVisualContext tdc;
    static final List<TdcVisualContext.Built> builds = Collections.synchronizedList(new ArrayList<>());

    /** Three segments at 36 sampled frames (the reference's 900:3 scaled down), short generations. */
    static final LvcotSettings SETTINGS = LvcotSettings.builder().rule(SegmentRule.parse("30:3,20:2"))
            .segmentMaxTokens(3).answerMaxTokens(3).build();

    @BeforeAll
    static void setUp() throws Exception {
        video = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.SHAPES, 12)
                .shot(SyntheticVideo.ShotType.PAN, 10).shot(SyntheticVideo.ShotType.ZOOM, 14).build().write(dir.resolve("v.mp4"));
        Path llm = TinyLlama.write(dir.resolve("llm24"), TinyTdc.HIDDEN, 7);
        runtime = LanguageModels.fromSpec("runtime:" + llm, BackendOptions.builder().build());
        // the segmenter's scenes, so the expected layouts below follow from the scenes the pipeline found
        tdc = TdcVisualContext.builder(TinyTdc.files()).settings(TinyTdc.settings()).device("cpu")
                .sceneSplit(TdcVisualContext.SceneSplit.SEGMENTER).listener(builds::add).loadFor(runtime);
    }

    @AfterAll
    static void tearDown() {
        if (tdc != null) tdc.close();
        if (runtime != null) runtime.close();
    }

    @BeforeEach
    void clear() {
        builds.clear();
    }

    @Test
    void everyPassCarriesExactlyItsPlannedVisualTokensConditionedOnTheRightText() {
        RecordingLanguageModel model = new RecordingLanguageModel(runtime);
        try (AskPipeline.Outcome o = pipeline(model, SegmentCache.inMemory()).ask(video.path(), List.of(new JobQuestion("q0", "What moves?")))) {
            assertThat(o.scenes().sampledFrames()).isEqualTo(36);
            assertThat(o.answers().segments()).hasSize(3);
            assertThat(model.prompts).hasSize(4);
            assertThat(builds).hasSize(4);

            // Segment passes read the fixed prompt, the final pass the question.
            for (int i = 0; i < 3; i++) assertThat(builds.get(i).conditioning()).isEqualTo("Describe the video segment in detail.");
            assertThat(builds.get(3).conditioning()).isEqualTo("What moves?");

            RgbImage frame = o.frames().image(0);
            TdcSettings forVideo = TinyTdc.settings().forVideo(frame.width(), frame.height(), true);
            List<Scene> scenes = o.scenes().segmentation().scenes();
            int framesInSegments = 0;
            for (int i = 0; i < 4; i++) {
                SegmentOutput seg = i < 3 ? o.answers().segments().get(i) : null;
                double start = seg == null ? 0 : seg.startSec(), end = seg == null ? o.scenes().durationSec() : seg.endSec();
                List<Integer> perScene = framesPerScene(o.frames(), scenes, start, end, end >= o.scenes().durationSec());
                if (seg != null) framesInSegments += perScene.stream().mapToInt(Integer::intValue).sum();
                int planned = TdcPlanner.plan(perScene, 0, forVideo).visualTokens();
                assertThat(planned).isPositive();
                assertThat(builds.get(i).plan().visualTokens()).as("pass %d", i).isEqualTo(planned);

                Prompt prompt = model.prompts.get(i);
                List<Part.Embeddings> blocks = prompt.parts().stream().filter(p -> p instanceof Part.Embeddings)
                        .map(p -> (Part.Embeddings) p).toList();
                assertThat(blocks).hasSize(1);
                assertThat(blocks.getFirst().block().tokens()).isEqualTo(planned);
                assertThat(blocks.getFirst().block().hidden()).isEqualTo(TinyTdc.HIDDEN);
                // The model's own prompt length: the text alone plus exactly the planned visual tokens.
                int textOnly = runtime.complete(withoutEmbeddings(prompt), new DecodingSettings(1, 0)).promptTokens();
                assertThat(model.completions.get(i).promptTokens()).as("pass %d", i).isEqualTo(textOnly + planned);
            }
            // the three segments cover every sampled frame once
            assertThat(framesInSegments).isEqualTo(36);
        }
    }

    @Test
    void byDefaultATdcCheckpointSeesTheReferenceScenesPromptsPartsAndBudget() throws Exception {
        List<TdcVisualContext.Built> refBuilds = Collections.synchronizedList(new ArrayList<>());
        RecordingLanguageModel model = new RecordingLanguageModel(runtime);
        try (TdcVisualContext ref = TdcVisualContext.builder(TinyTdc.files()).settings(TinyTdc.settings()).device("cpu")
                     .listener(refBuilds::add).loadFor(runtime);
             AskPipeline.Outcome o = new AskPipeline(SceneDetector.builder().build(), "test", model, SegmentCache.inMemory(), SETTINGS)
                     .withTdc(ref).ask(video.path(), List.of(new JobQuestion("q0", "What moves?")));
             TdcVision vision = TdcVision.load(TinyTdc.files(), TinyTdc.settings(), "cpu")) {
            assertThat(ref.sceneSplit()).isEqualTo(TdcVisualContext.SceneSplit.REFERENCE);
            assertThat(o.scenes().sampledFrames()).isEqualTo(36);
            assertThat(refBuilds).hasSize(4);
            List<SegmentOutput> segs = o.answers().segments();
            assertThat(segs).hasSize(3);
            for (int i = 0; i < 3; i++) {
                // eval/cot.py: part i is sampled frames [12i, 12i+12); 12 capped frames <= 25: one scene each
                assertThat(segs.get(i).startSec()).isEqualTo(i == 0 ? 0 : o.frames().timeOf(12 * i));
                assertThat(refBuilds.get(i).framesPerScene()).as("part %d", i).isEqualTo(Collections.nCopies(12, 1));
                Prompt p = model.prompts.get(i);
                assertThat(p.system()).isEqualTo("You are a helpful assistant.");
                assertThat(p.parts().getFirst()).isInstanceOf(Part.Embeddings.class);
                assertThat(p.text()).isEqualTo("\nDescribe the video segment in detail.");
            }
            // final pass: "<image>\n<think>s1 s2 s3</think>question", the Q-Former reading the question
            Prompt last = model.prompts.get(3);
            String think = segs.stream().map(SegmentOutput::summary).collect(java.util.stream.Collectors.joining(" "));
            assertThat(last.text()).isEqualTo("\n<think>" + think + "</think>What moves?");
            assertThat(refBuilds.get(3).conditioning()).isEqualTo("What moves?");
            // 36 frames > 25: the split of the reference's own rule over the DINOv2 tower, computed independently
            RgbImage frame = o.frames().image(0);
            List<Integer> expected = vision.referenceScenes(36, refBuilds.get(3).textTokens(), o.frames()::image,
                    new dev.longvqa.tdc.ProjectedFrames.Geometry(frame.width(), frame.height(), true), 24);
            assertThat(refBuilds.get(3).framesPerScene()).hasSize(25).isEqualTo(expected);
            for (int i = 0; i < 4; i++) {
                // the budget came from the real prompt: text tokens the model counted + the visual block = what it saw
                TdcVisualContext.Built b = refBuilds.get(i);
                assertThat(model.completions.get(i).promptTokens()).as("pass %d", i).isEqualTo(b.textTokens() + b.plan().visualTokens());
            }
        }
    }

    @Test
    void aSecondQuestionReusesTheSegmentsAndOnlyBuildsItsOwnFinalContext() {
        SegmentCache cache = SegmentCache.inMemory();
        RecordingLanguageModel first = new RecordingLanguageModel(runtime);
        List<String> summaries;
        try (AskPipeline.Outcome o = pipeline(first, cache).ask(video.path(), List.of(new JobQuestion("q0", "What moves?")))) {
            summaries = o.answers().segments().stream().map(SegmentOutput::summary).toList();
        }
        assertThat(first.prompts).hasSize(4);
        assertThat(builds).hasSize(4);

        builds.clear();
        RecordingLanguageModel second = new RecordingLanguageModel(runtime);
        try (AskPipeline.Outcome o = pipeline(second, cache).ask(video.path(), List.of(new JobQuestion("q1", "Which colour is the circle?")))) {
            assertThat(o.answers().segments().stream().map(SegmentOutput::summary).toList()).isEqualTo(summaries);
            assertThat(o.answers().passes().stream().filter(p -> p.kind().equals("segment")).allMatch(p -> p.cached())).isTrue();
        }
        assertThat(second.prompts).hasSize(1);
        assertThat(builds).singleElement().satisfies(b -> {
            assertThat(b.conditioning()).isEqualTo("Which colour is the circle?");
            assertThat(b.startSec()).isZero();
        });
        // The question reaches the Q-Former: same frames, another question, other visual tokens.
        float[] a = finalBlock(first), b = finalBlock(second);
        assertThat(a.length).isEqualTo(b.length);
        assertThat(Arrays.equals(a, b)).isFalse();
    }

    @Test
    void tdcSummariesAreCachedApartFromImageOnesAndPerSettings() {
        SegmentCache cache = SegmentCache.inMemory();
        RecordingLanguageModel model = new RecordingLanguageModel(runtime);
        try (AskPipeline.Outcome ignored = pipeline(model, cache).ask(video.path(), List.of(new JobQuestion("q0", "What moves?")))) {
            assertThat(model.prompts).hasSize(4);
        }
        // the same model and cache without TDC must not pick up the TDC summaries
        RecordingLanguageModel plain = new RecordingLanguageModel(runtime);
        try (AskPipeline.Outcome o = new AskPipeline(SceneDetector.builder().build(), "test", plain, cache, SETTINGS)
                .ask(video.path(), List.of(new JobQuestion("q0", "What moves?")))) {
            assertThat(o.answers().passes().stream().filter(p -> p.kind().equals("segment")).noneMatch(p -> p.cached())).isTrue();
        }
        assertThat(plain.prompts).hasSize(4);
        assertThat(plain.prompts.getFirst().parts()).noneMatch(p -> p instanceof Part.Embeddings);

        String id = TdcVisualContext.identity(TinyTdc.files(), TinyTdc.settings(), true, TdcVisualContext.DEFAULT_PROMPT_RESERVE, TdcVisualContext.SceneSplit.SEGMENTER);
        assertThat(tdc.cacheId()).isEqualTo(id);
        assertThat(TdcVisualContext.identity(TinyTdc.files(), TinyTdc.settings().withBudget(16384), true, 512, TdcVisualContext.SceneSplit.SEGMENTER)).isNotEqualTo(id);
        assertThat(TdcVisualContext.identity(TinyTdc.files(), TinyTdc.settings(), false, 512, TdcVisualContext.SceneSplit.SEGMENTER)).isNotEqualTo(id);
        assertThat(TdcVisualContext.identity(TinyTdc.files(), TinyTdc.settings(), true, 512, TdcVisualContext.SceneSplit.REFERENCE)).isNotEqualTo(id);
    }

    @Test
    void aModelOfAnotherWidthOrWithoutEmbeddingsIsRefusedBeforeDecoding() throws Exception {
        Path wide = TinyLlama.write(dir.resolve("llm32"), 32, 1);
        try (LanguageModel llm32 = LanguageModels.fromSpec("runtime:" + wide, BackendOptions.builder().build())) {
            assertThatThrownBy(() -> TdcVisualContext.builder(TinyTdc.files()).settings(TinyTdc.settings()).device("cpu").loadFor(llm32))
                    .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                    .hasMessageContaining("width 24").hasMessageContaining("hidden size 32");
            assertThatThrownBy(() -> pipeline(llm32, SegmentCache.none()))
                    .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
        LanguageModel imagesOnly = new RecordingLanguageModel(runtime) {
            @Override
            public Capabilities capabilities() {
                return Capabilities.images(4);
            }
        };
        assertThatThrownBy(() -> pipeline(imagesOnly, SegmentCache.none()))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("embeddings");
        assertThat(builds).isEmpty();
    }

    @Test
    void framesToReadNamesExactlyTheFramesAContextReadsFromAnyFrameSource() {
        // 60 frames at 1 fps and a 1K budget: the tiny layout's frame cap is 28 (224 per 8K), so a
        // context reads a strict subset; with most of the budget reserved for text, fewer frames fit and trimming drops more
        List<dev.longvqa.scenes.Scene> scenes = List.of(new dev.longvqa.scenes.Scene(0, 0, 25), new dev.longvqa.scenes.Scene(1, 25, 60));
        for (int reserve : new int[]{TdcVisualContext.DEFAULT_PROMPT_RESERVE, 950}) {
            try (TdcVisualContext small = TdcVisualContext.builder(TinyTdc.files()).settings(TinyTdc.settings().withBudget(1024))
                    .promptReserve(reserve).device("cpu").loadFor(runtime)) {
                RecordingFrames source = new RecordingFrames(60);
                TdcSegmentContext ctx = small.provider(source, scenes, 60,
                        (s, e) -> new dev.longvqa.reason.SegmentInput(s, e, List.of(), List.of(), null, ""));
                List<Integer> predicted = ctx.framesToRead(0, 60, "What moves?");
                source.reads.clear();
                var in = ctx.range(0, 60, "What moves?");
                assertThat(in.embeddings()).isNotNull();
                assertThat(new java.util.TreeSet<>(source.reads)).as("reserve %d", reserve).containsExactlyElementsOf(predicted);
                if (reserve == TdcVisualContext.DEFAULT_PROMPT_RESERVE) assertThat(predicted).hasSize(28);
                else assertThat(predicted).hasSizeBetween(2, 27);
            }
        }
    }

    @Test
    void laterPassesOfAVideoTakeProjectedFramesFromItsCacheAndGetTheSameContext() {
        // two questions over the whole video: the second final pass reads no frame but the first
        // (its size sets the geometry), and its context equals one built without the cache
        List<dev.longvqa.scenes.Scene> scenes = List.of(new dev.longvqa.scenes.Scene(0, 0, 25), new dev.longvqa.scenes.Scene(1, 25, 60));
        SegmentContextProvider base = (s, e) -> new dev.longvqa.reason.SegmentInput(s, e, List.of(), List.of(), null, "");
        try (TdcVisualContext cached = TdcVisualContext.builder(TinyTdc.files()).settings(TinyTdc.settings().withBudget(1024))
                     .device("cpu").loadFor(runtime);
             TdcVisualContext uncached = TdcVisualContext.builder(TinyTdc.files()).settings(TinyTdc.settings().withBudget(1024))
                     .frameCacheBytes(0).device("cpu").loadFor(runtime)) {
            RecordingFrames source = new RecordingFrames(60);
            TdcSegmentContext ctx = cached.provider(source, scenes, 60, base);
            var first = ctx.range(0, 60, "What moves?");
            int firstReads = source.reads.size();
            source.reads.clear();
            var second = ctx.range(0, 60, "Which colour is it?");
            // the cap's pick, 28 frames (frame 0, read up front for the geometry, among them), read
            // twice: through DINOv2 for the reference scene split, then through both towers
            assertThat(firstReads).isEqualTo(55);
            assertThat(source.reads).as("only the geometry frame").containsExactly(0);
            assertThat(ctx.frameCacheStats()).hasValueSatisfying(st -> {
                assertThat(st.hits()).isEqualTo(28);
                assertThat(st.misses()).isEqualTo(28);
                assertThat(st.frames()).isEqualTo(28);
            });
            var reference = uncached.provider(new RecordingFrames(60), scenes, 60, base).range(0, 60, "Which colour is it?");
            assertThat(second.embeddings().values()).containsExactly(reference.embeddings().values());
            assertThat(second.embeddings().values()).as("conditioned on its own question")
                    .isNotEqualTo(first.embeddings().values());
        }
    }

    /** Frames 0..n-1 at 1 fps, 160x90, their shade by index; records every frame asked for. */
    static final class RecordingFrames implements TdcSegmentContext.FrameSource {
        final int n;
        final List<Integer> reads = Collections.synchronizedList(new ArrayList<>());

        RecordingFrames(int n) {
            this.n = n;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public double timeOf(int index) {
            return index;
        }

        @Override
        public RgbImage image(int index) {
            reads.add(index);
            byte[] rgb = new byte[160 * 90 * 3];
            Arrays.fill(rgb, (byte) (index * 4));
            return new RgbImage(160, 90, rgb);
        }
    }

    private static AskPipeline pipeline(LanguageModel model, SegmentCache cache) {
        return new AskPipeline(SceneDetector.builder().build(), "test", model, cache, SETTINGS).withTdc(tdc);
    }

    /** Frames of [start, end) (end included for the last range) counted per scene, in order. */
    private static List<Integer> framesPerScene(FrameStore frames, List<Scene> scenes, double start, double end, boolean last) {
        List<Integer> counts = new ArrayList<>();
        for (Scene s : scenes) {
            int n = 0;
            for (int i = 0; i < frames.size(); i++) {
                double t = frames.timeOf(i);
                boolean inRange = t >= start && (t < end || last && t <= end);
                boolean inScene = t >= s.startSec() && (t < s.endSec() || s == scenes.getLast());
                if (inRange && inScene) n++;
            }
            if (n > 0) counts.add(n);
        }
        return counts;
    }

    private static Prompt withoutEmbeddings(Prompt p) {
        return new Prompt(p.system(), p.parts().stream().filter(x -> !(x instanceof Part.Embeddings)).toList());
    }

    private static float[] finalBlock(RecordingLanguageModel m) {
        return m.prompts.getLast().parts().stream().filter(p -> p instanceof Part.Embeddings)
                .map(p -> ((Part.Embeddings) p).block().values()).findFirst().orElseThrow();
    }
}
