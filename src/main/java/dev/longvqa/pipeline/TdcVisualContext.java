package dev.longvqa.pipeline;

import dev.longvqa.error.LongVqaException;

import dev.longvqa.error.ErrorCode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.longvqa.audio.AudioProjection;
import dev.longvqa.audio.AudioTokens;
import dev.longvqa.audio.AudioTrack;
import dev.longvqa.audio.Beats;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Scene;
import dev.longvqa.reason.SegmentContextProvider;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.tdc.ChunkPlan;
import dev.longvqa.tdc.ContextPlan;
import dev.longvqa.tdc.ProjectedFrameCache;
import dev.longvqa.tdc.ProjectedFrames;
import dev.longvqa.tdc.ReferenceSceneSplit;
import dev.longvqa.tdc.TdcPlanner;
import dev.longvqa.tdc.TdcPrecision;
import dev.longvqa.tdc.TdcSettings;
import dev.longvqa.tdc.TdcVision;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The TDC vision side ({@link TdcVision}: towers, SVA projector, Q-Former, BERT tokenizer) loaded
 * once per process, plus what identifies it. It turns the frames and scenes of a time range into
 * an {@link EmbeddingBlock} in the language model's input space; {@link #provider} makes the
 * per-video {@link SegmentContextProvider} that the reason stage calls.
 *
 * <p>{@link #cacheId()} changes with the files (name, size, mtime) and every setting that shapes
 * the context, and goes into the video part of the segment cache key: a summary made from TDC
 * embeddings is not the one made from images, nor from another checkpoint or budget.
 */
public final class TdcVisualContext implements AutoCloseable {
    /** What the reference's Q-Former reads for LVCoT segment passes (eval/cot.py). */
    public static final String SEGMENT_CONDITIONING = "Describe the video segment in detail.";
    /**
     * Tokens kept for the prompt text around the visual block when planning: system prompt, chat
     * template, headers with times and scenes, and up to three 128-token LVCoT summaries.
     */
    public static final int DEFAULT_PROMPT_RESERVE = 512;

    /**
     * Where a context's scenes come from. {@link #REFERENCE} (default) is what a TDC checkpoint
     * was trained and evaluated with; {@link #SEGMENTER} is this project's deviation (docs/TDC.md).
     */
    public enum SceneSplit {
        /** {@code adapt_segment}: the 24 lowest DINOv2 similarities among the capped frames of the context, per context. */
        REFERENCE,
        /** The scenes given to {@link #provider} (the cut detector's), cut to the context's range. */
        SEGMENTER
    }

    /** See {@link Builder#frameCacheBytes}. */
    public static final long DEFAULT_FRAME_CACHE_BYTES = 768L << 20;

    /** One context computed: what the planner decided and what it cost; {@code audioTokens}: the static frames' audio tokens it holds. */
    public record Built(double startSec, double endSec, String conditioning, List<Integer> framesPerScene,
                        int textTokens, ContextPlan plan, long millis, int audioTokens) {
        /** Without audio. */
        public Built(double startSec, double endSec, String conditioning, List<Integer> framesPerScene,
                     int textTokens, ContextPlan plan, long millis) {
            this(startSec, endSec, conditioning, framesPerScene, textTokens, plan, millis, 0);
        }
    }

    /** Told of every context computed (timings, tests). Called on the computing thread. */
    @FunctionalInterface
    public interface Listener {
        void built(Built built);
    }

    private final TdcVision vision;
    private final TdcSettings settings;
    private final int hiddenSize;
    private final String cacheId;
    private final boolean referenceGeometry;
    private final int promptReserve;
    private final Listener listener;
    private final long frameCacheBytes;
    private final SceneSplit sceneSplit;
    private final AudioSide audio; // null: frames carry no audio tokens

    /** BEATs and the checkpoint's audio_proj, loaded when the builder is given a BEATs file. */
    private record AudioSide(ai.djl.ndarray.NDManager manager, Beats beats, AudioProjection projection, String id) {}

    private TdcVisualContext(TdcVision vision, Builder b, int hiddenSize, String cacheId, AudioSide audio) {
        this.vision = vision;
        this.settings = b.settings;
        this.hiddenSize = hiddenSize;
        this.cacheId = cacheId;
        this.referenceGeometry = b.referenceGeometry;
        this.promptReserve = b.promptReserve;
        this.listener = b.listener;
        this.frameCacheBytes = b.frameCacheBytes;
        this.sceneSplit = b.sceneSplit;
        this.audio = audio;
    }

    public static Builder builder(TdcVision.Files files) {
        return new Builder(files);
    }

    public static final class Builder {
        private final TdcVision.Files files;
        private TdcSettings settings = TdcSettings.defaults();
        private String device = "auto";
        private TdcPrecision precision = TdcPrecision.AUTO;
        private boolean referenceGeometry = true;
        private int promptReserve = DEFAULT_PROMPT_RESERVE;
        private Listener listener = b -> {};
        private long frameCacheBytes = DEFAULT_FRAME_CACHE_BYTES;
        private SceneSplit sceneSplit = SceneSplit.REFERENCE;
        private Path beats;

        private Builder(TdcVision.Files files) {
            this.files = Objects.requireNonNull(files, "files");
        }

        /** Budget, chunking, grid (default: the reference's, 8K). */
        public Builder settings(TdcSettings v) { settings = Objects.requireNonNull(v); return this; }

        /** "cpu", "gpu" or "auto". */
        public Builder device(String v) { device = v; return this; }

        /** What the projector and the Q-Former compute in (default AUTO: float16 on a GPU, half precision as the reference). */
        public Builder precision(TdcPrecision v) { precision = Objects.requireNonNull(v); return this; }

        /**
         * True (default): frames keep the grid the reference's {@code unpad_image} leaves for the
         * video's aspect ratio (its (height, width) quirk included); false: the full square grid.
         */
        public Builder referenceGeometry(boolean v) { referenceGeometry = v; return this; }

        /** Prompt tokens besides the conditioning text assumed when planning (see {@link #textTokens}). */
        public Builder promptReserve(int v) {
            if (v < 0) throw new IllegalArgumentException("promptReserve < 0");
            promptReserve = v;
            return this;
        }

        /** Where scenes come from (default {@link SceneSplit#REFERENCE}). */
        public Builder sceneSplit(SceneSplit v) { sceneSplit = Objects.requireNonNull(v); return this; }

        public Builder listener(Listener v) { listener = Objects.requireNonNull(v); return this; }

        /**
         * BEATs weights (converted by {@code tools/beats_to_safetensors.py}; null: none): frames of
         * videos with sound then carry 50 audio tokens each through the checkpoint's
         * {@code audio_proj}, which the checkpoint must have (a stage-3, audio-trained TDC).
         */
        public Builder beats(Path v) { beats = v; return this; }

        /**
         * Heap kept per video for projected frames ({@link ProjectedFrameCache}), so frames seen by
         * an earlier pass of the same video skip the towers; 0 turns it off. Default 768 MiB: one
         * 8K context at TDC-Qwen2-7B's width (224 × 2.2 MB) with room to spare.
         */
        public Builder frameCacheBytes(long v) {
            if (v < 0) throw new IllegalArgumentException("frameCacheBytes < 0");
            frameCacheBytes = v;
            return this;
        }

        /**
         * Reads the checkpoint's output width, then loads every part. Bad files are BAD_REQUEST
         * (NOT_FOUND when absent), with the file named.
         */
        public TdcVisualContext load() {
            return load(null);
        }

        /**
         * Like {@link #load()}, but refuses {@code model} ({@link #requireCompatible}) before the
         * towers are loaded, so a wrong pairing fails in milliseconds.
         */
        public TdcVisualContext loadFor(LanguageModel model) {
            return load(Objects.requireNonNull(model, "model"));
        }

        private TdcVisualContext load(LanguageModel model) {
            int width = outputWidth(files.checkpoint());
            if (model != null) requireCompatible(model, width);
            String id = identity(files, settings, referenceGeometry, promptReserve, sceneSplit);
            AudioSide audio = null;
            try {
                audio = beats == null ? null : loadAudio(files.checkpoint(), beats, device, width);
                TdcVision vision = TdcVision.load(files, settings, device, precision);
                // half-precision contexts differ from float32 ones in the last bits: never share cached passes.
                if (vision.computeType() != ai.djl.ndarray.types.DataType.FLOAT32) {
                    id += "-" + vision.computeType().name().toLowerCase(java.util.Locale.ROOT);
                }
                return new TdcVisualContext(vision, this, width, id, audio);
            } catch (IOException | RuntimeException e) {
                if (audio != null) audio.manager().close();
                if (e instanceof LongVqaException l) throw l;
                throw new LongVqaException(ErrorCode.BAD_REQUEST, "cannot load the TDC vision side from "
                        + files.checkpoint() + " and its towers: " + e.getMessage(), e);
            }
        }
    }

    private static AudioSide loadAudio(Path checkpoint, Path beatsFile, String device, int width) throws IOException {
        if (!Files.isRegularFile(beatsFile)) throw LongVqaException.badInput(ErrorCode.NOT_FOUND, "BEATs file " + beatsFile + " does not exist");
        var manager = ai.djl.ndarray.NDManager.newBaseManager(dev.longvqa.tdc.VisionEncoder.device(device), "PyTorch");
        try {
            AudioProjection proj = null;
            for (Path p : safetensors(checkpoint)) {
                try (Safetensors st = Safetensors.open(p)) {
                    proj = AudioProjection.find(st, manager);
                }
                if (proj != null) break;
            }
            if (proj == null) {
                throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "the TDC checkpoint " + checkpoint
                        + " has no audio_proj (not trained with audio): leave out the BEATs file");
            }
            Beats beats = Beats.load(beatsFile, manager);
            if (proj.inputWidth() != beats.config().dim() || proj.outputWidth() != width) {
                throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "audio_proj maps " + proj.inputWidth() + " -> " + proj.outputWidth()
                        + " but BEATs gives " + beats.config().dim() + " and the LLM width is " + width);
            }
            return new AudioSide(manager, beats, proj, "beats=" + stamp(beatsFile));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Whether frames of videos with sound carry audio tokens (a BEATs file was given). */
    public boolean hasAudio() {
        return audio != null;
    }

    /** Identity of the audio side for cache keys of videos whose context carries audio ("" when none). */
    public String audioId() {
        return audio == null ? "" : audio.id();
    }

    /** The width of the visual tokens: the LLM hidden size the checkpoint was trained for. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Short identity of files + settings; part of the segment cache key. */
    public String cacheId() {
        return cacheId;
    }

    public TdcSettings settings() {
        return settings;
    }

    /**
     * Refuses a model that cannot take this context: one without input embeddings (it would
     * silently fall back to images or text), or one whose hidden size differs from the projector's.
     */
    public void requireCompatible(LanguageModel model) {
        requireCompatible(model, hiddenSize);
    }

    private static void requireCompatible(LanguageModel model, int hiddenSize) {
        if (!model.capabilities().embeddings()) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "the TDC context needs a language model that takes input "
                    + "embeddings (runtime:DIR or openai-embeds:URL); " + model.id() + " does not");
        }
        OptionalInt width = model.embeddingWidth();
        if (width.isPresent() && width.getAsInt() != hiddenSize) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "the TDC checkpoint projects frames to width " + hiddenSize
                    + " but " + model.id() + " has hidden size " + width.getAsInt() + ": use the LLM the TDC checkpoint was trained with");
        }
    }

    /** The provider for one video whose frames are spooled in {@code frames}. */
    public TdcSegmentContext provider(FrameStore frames, List<Scene> scenes, double durationSec, SegmentContextProvider base) {
        return provider(TdcSegmentContext.FrameSource.of(frames), scenes, durationSec, base);
    }

    /**
     * The provider for one video whose frames come from {@code frames} (e.g. stored JPEGs read on
     * demand: only the planner's pick is ever asked for).
     */
    public TdcSegmentContext provider(TdcSegmentContext.FrameSource frames, List<Scene> scenes, double durationSec,
                                      SegmentContextProvider base) {
        return provider(frames, scenes, durationSec, base, newFrameCache());
    }

    /**
     * The same over a projected-frame cache the caller keeps, e.g. one per task that several
     * providers of the same video share ({@code null}: none).
     */
    public TdcSegmentContext provider(TdcSegmentContext.FrameSource frames, List<Scene> scenes, double durationSec,
                                      SegmentContextProvider base, ProjectedFrameCache cache) {
        return new TdcSegmentContext(this, frames, scenes, durationSec, base, cache, null);
    }

    /**
     * The provider for a video with a sound track: with {@link #hasAudio()}, every frame also
     * carries its second(s) of audio tokens; the tokens are the caller's to close with
     * {@link TdcSegmentContext#close()} (the track itself stays the caller's).
     */
    public TdcSegmentContext provider(FrameStore frames, List<Scene> scenes, double durationSec, SegmentContextProvider base,
                                      AudioTrack track) {
        return provider(TdcSegmentContext.FrameSource.of(frames), scenes, durationSec, base, newFrameCache(), track);
    }

    /**
     * Frames from any source over the caller's projected-frame cache, with the video's sound
     * track ({@code null}: none): the GPU worker's stored frames and its decoded job audio.
     */
    public TdcSegmentContext provider(TdcSegmentContext.FrameSource frames, List<Scene> scenes, double durationSec,
                                      SegmentContextProvider base, ProjectedFrameCache cache, AudioTrack track) {
        AudioTokens tokens = audio == null || track == null ? null : new AudioTokens(audio.beats(), track, audio.manager());
        return new TdcSegmentContext(this, frames, scenes, durationSec, base, cache, tokens);
    }

    AudioProjection audioProjection() {
        return audio == null ? null : audio.projection();
    }

    /** A projected-frame cache of the configured size for one video, or null when caching is off. */
    public ProjectedFrameCache newFrameCache() {
        return frameCacheBytes > 0 ? ProjectedFrameCache.ofBytes(frameCacheBytes) : null;
    }

    /**
     * The {@code textTokens} the planner gets: an estimate, since the provider sees neither the
     * chat template nor the LVCoT notes of the pass. {@link #DEFAULT_PROMPT_RESERVE} covers those;
     * the conditioning text (the question of a final pass) adds one token per 3 characters, which
     * over-counts English BPE (~4 per token), so the real prompt stays inside the budget.
     */
    public int textTokens(String conditioning) {
        return promptReserve + (conditioning.length() + 2) / 3;
    }

    /** {@code known} when the caller counted the prompt's tokens (≥ 0), else {@link #textTokens(String)}. */
    int textTokens(String conditioning, int known) {
        return known >= 0 ? known : textTokens(conditioning);
    }

    public SceneSplit sceneSplit() {
        return sceneSplit;
    }

    /**
     * Range-local indices of the frames a context over {@code framesPerScene} reads: the shown
     * frames of every chunk that keeps tokens (the planner's pick, less what trimming drops), as
     * {@link #context} asks for them. No model runs.
     */
    List<Integer> framesRead(List<Integer> framesPerScene, String conditioning, int textTokens, int width, int height) {
        return framesRead(framesPerScene, conditioning, textTokens, width, height, 0);
    }

    List<Integer> framesRead(List<Integer> framesPerScene, String conditioning, int textTokens, int width, int height, int audioTokens) {
        int text = textTokens(conditioning, textTokens);
        if (sceneSplit == SceneSplit.REFERENCE) {
            // the split reads every capped frame through the DINOv2 tower; the context reads a subset of them
            int total = framesPerScene.stream().mapToInt(Integer::intValue).sum();
            TdcSettings s = referenceGeometry ? settings.forVideo(width, height, true) : settings;
            int[] selected = TdcPlanner.selectFrames(total, text, s.withAudioTokens(audioTokens));
            return java.util.Arrays.stream(selected).boxed().toList();
        }
        ContextPlan plan = vision.plan(framesPerScene, text, geometry(width, height), audioTokens);
        List<Integer> out = new ArrayList<>();
        for (ChunkPlan c : plan.chunkDetail()) {
            if (c.keptTokens() > 0) out.addAll(c.frameIndices().subList(0, c.framesShown()));
        }
        return out;
    }

    /**
     * Computes the visual tokens of the given frames ({@code frames.apply(i)}, i over the range's
     * frames in order) and copies them to the heap; every device array of the call is freed before returning.
     * Calls are serialised: the towers and Q-Former run one context at a time.
     */
    synchronized EmbeddingBlock context(double startSec, double endSec, List<Integer> framesPerScene,
                                        IntFunction<RgbImage> frames, String conditioning, int width, int height) {
        return context(startSec, endSec, framesPerScene, frames, conditioning, -1, width, height, null, null);
    }

    /** The same, with the video's projected-frame cache: range frame {@code i} is video frame {@code videoIndex(i)}. */
    synchronized EmbeddingBlock context(double startSec, double endSec, List<Integer> framesPerScene,
                                        IntFunction<RgbImage> frames, String conditioning, int knownTextTokens, int width, int height,
                                        java.util.function.IntUnaryOperator videoIndex, ProjectedFrameCache cache) {
        return context(startSec, endSec, framesPerScene, frames, conditioning, knownTextTokens, width, height, videoIndex, cache, null);
    }

    /** The same with the frames' sound ({@code audio} null: none). */
    synchronized EmbeddingBlock context(double startSec, double endSec, List<Integer> framesPerScene,
                                        IntFunction<RgbImage> frames, String conditioning, int knownTextTokens, int width, int height,
                                        java.util.function.IntUnaryOperator videoIndex, ProjectedFrameCache cache,
                                        dev.longvqa.tdc.FrameAudio audio) {
        long t0 = System.nanoTime();
        int textTokens = textTokens(conditioning, knownTextTokens);
        ProjectedFrames.Geometry g = geometry(width, height);
        int audioTokens = audio == null ? 0 : audio.tokensPerFrame();
        if (sceneSplit == SceneSplit.REFERENCE) {
            int total = framesPerScene.stream().mapToInt(Integer::intValue).sum();
            framesPerScene = vision.referenceScenes(total, textTokens, frames, g, ReferenceSceneSplit.MAX_SEGMENTS, videoIndex, cache, audioTokens);
        }
        ContextPlan plan = vision.plan(framesPerScene, textTokens, g, audioTokens);
        float[] values;
        long rows;
        long cols;
        // TdcVision frees its intermediates itself; only the result (on its device) is left to copy and close.
        try (NDArray ctx = vision.context(framesPerScene, textTokens, frames, conditioning, g, videoIndex, cache, audio)) {
            rows = ctx.getShape().get(0);
            cols = ctx.getShape().get(1);
            if (ctx.getDataType() == DataType.FLOAT32) {
                values = ctx.toFloatArray();
            } else {
                try (NDArray f = ctx.toType(DataType.FLOAT32, false)) {
                    values = f.toFloatArray();
                }
            }
        }
        if (rows != plan.visualTokens() || cols != hiddenSize) {
            throw new LongVqaException(ErrorCode.INTERNAL, "TDC context is " + rows + "x" + cols + ", planned "
                    + plan.visualTokens() + "x" + hiddenSize);
        }
        listener.built(new Built(startSec, endSec, conditioning, List.copyOf(framesPerScene), textTokens, plan,
                (System.nanoTime() - t0) / 1_000_000, audio == null ? 0 : dev.longvqa.tdc.TdcPlanner.audioTokensKept(plan,
                (g == null ? settings : settings.forVideo(g.width(), g.height(), g.referenceQuirk())).staticFrameTokens(),
                audio.tokensPerFrame())));
        return new EmbeddingBlock((int) rows, (int) cols, values);
    }

    private ProjectedFrames.Geometry geometry(int width, int height) {
        return referenceGeometry ? new ProjectedFrames.Geometry(width, height, true) : null;
    }

    @Override
    public void close() {
        vision.close();
        if (audio != null) audio.manager().close();
    }

    /** Width of {@code model.image_newline} (or {@code model.vision_proj.bias}) in the checkpoint's headers. */
    static int outputWidth(Path checkpoint) {
        if (checkpoint == null || !Files.exists(checkpoint)) {
            throw LongVqaException.badInput(ErrorCode.NOT_FOUND, "TDC checkpoint " + checkpoint + " does not exist");
        }
        for (Path file : safetensors(checkpoint)) {
            try (Safetensors st = Safetensors.open(file)) {
                for (String name : new String[]{"model.image_newline", "model.vision_proj.bias"}) {
                    if (st.contains(name)) return (int) st.info(name).shape()[0];
                }
            } catch (IOException e) {
                throw new LongVqaException(ErrorCode.BAD_REQUEST, "cannot read TDC checkpoint " + file + ": " + e.getMessage(), e);
            }
        }
        throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, checkpoint + " is not a TDC checkpoint: no model.image_newline tensor");
    }

    private static List<Path> safetensors(Path checkpoint) {
        if (!Files.isDirectory(checkpoint)) return List.of(checkpoint);
        try (Stream<Path> s = Files.list(checkpoint)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.BAD_REQUEST, "cannot list " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /**
     * SHA-256 (first 16 hex) of each file's name, size and mtime (hashing a multi-GB checkpoint
     * on every start would cost more than the cache saves), the tower and Q-Former layout, the
     * settings, the geometry mode and the prompt reserve.
     */
    static String identity(TdcVision.Files files, TdcSettings s, boolean referenceGeometry, int promptReserve, SceneSplit split) {
        List<String> lines = new ArrayList<>();
        lines.add("tdc-context-v1");
        for (Path p : safetensors(files.checkpoint())) lines.add(stamp(p));
        for (TdcVision.TowerFile t : files.towers()) {
            var pre = t.preprocessor();
            lines.add(stamp(t.model()) + " pre=" + pre.size() + "," + Arrays.toString(pre.mean()) + "," + Arrays.toString(pre.std())
                    + "," + pre.padSquare() + " prefix=" + t.prefixTokens() + " grid=" + t.gridSide());
        }
        lines.add(stamp(files.bertTokenizer()) + " heads=" + files.qformerHeads());
        lines.add("budget=" + s.budget() + " reserve=" + s.generationReserve() + " chunk=" + s.chunkSize() + " k=" + s.queryTokens()
                + " grid=" + s.gridRows() + "x" + s.gridCols() + " newline=" + s.imageNewline() + " sep=" + s.separators()
                + " maxFrames=" + s.maxFrames() + " refGeometry=" + referenceGeometry + " promptReserve=" + promptReserve
                + (split == SceneSplit.REFERENCE ? " split=reference" : ""));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
            return "tdc-" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stamp(Path p) {
        try {
            return p.getFileName() + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            throw LongVqaException.badInput(ErrorCode.NOT_FOUND, "cannot read " + p + ": " + e.getMessage());
        }
    }
}
