package dev.longvqa.tdc;

import ai.djl.ndarray.NDManager;
import dev.longvqa.audio.AudioProjection;
import dev.longvqa.audio.AudioTokens;
import dev.longvqa.audio.AudioTrack;
import dev.longvqa.audio.Beats;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.SegmentContextProvider;
import dev.longvqa.scenes.Scene;
import dev.longvqa.video.RgbImage;

import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * The TDC vision side loaded once per process, split as DJL splits a model: a loader
 * ({@link TdcContextLoader}, from {@link #builder}), a translator from a range's frames and text
 * to an {@link EmbeddingBlock} in the language model's input space ({@link TdcTranslator}, over
 * {@link TdcVision}: towers, SVA projector, Q-Former, BERT tokenizer), an identity
 * ({@link TdcContextId}) and, per video, a provider: {@link #provider} makes the
 * {@link SegmentContextProvider} that the reason stage calls.
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

    /** See {@link TdcContextLoader#frameCacheBytes}. */
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

    private final TdcTranslator translator;
    private final TdcContextId id;
    private final AudioSide audio; // null: frames carry no audio tokens
    private final long frameCacheBytes;

    /** BEATs and the checkpoint's audio_proj, loaded when the loader is given a BEATs file. */
    record AudioSide(NDManager manager, Beats beats, AudioProjection projection, String id) {}

    TdcVisualContext(TdcTranslator translator, TdcContextId id, AudioSide audio, long frameCacheBytes) {
        this.translator = translator;
        this.id = id;
        this.audio = audio;
        this.frameCacheBytes = frameCacheBytes;
    }

    /** The loader of a context over {@code files}; every other setting has a default. */
    public static TdcContextLoader builder(TdcVision.Files files) {
        return new TdcContextLoader(files);
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
        return translator.hiddenSize();
    }

    /** Short identity of files + settings; part of the segment cache key. */
    public String cacheId() {
        return id.value();
    }

    /** The same as a value. */
    public TdcContextId id() {
        return id;
    }

    public TdcSettings settings() {
        return translator.settings();
    }

    /**
     * Refuses a model that cannot take this context: one without input embeddings (it would
     * silently fall back to images or text), or one whose hidden size differs from the projector's.
     */
    public void requireCompatible(LanguageModel model) {
        TdcContextLoader.requireCompatible(model, hiddenSize());
    }

    /**
     * The provider for one video whose frames come from {@code frames} (the CLI's spooled frames,
     * or stored JPEGs read on demand: only the planner's pick is ever asked for).
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
    public TdcSegmentContext provider(TdcSegmentContext.FrameSource frames, List<Scene> scenes, double durationSec,
                                      SegmentContextProvider base, AudioTrack track) {
        return provider(frames, scenes, durationSec, base, newFrameCache(), track);
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
        return translator.textTokens(conditioning);
    }

    public SceneSplit sceneSplit() {
        return translator.sceneSplit();
    }

    /** What runs the Q-Former ({@link TdcEngine#DJL} or {@link TdcEngine#ONNXRUNTIME}). */
    public TdcEngine engine() {
        return translator.engine();
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
        return translator.framesRead(framesPerScene, conditioning, textTokens, width, height, audioTokens);
    }

    /** The visual tokens of a range's frames ({@link TdcTranslator#translate}), without cache or sound. */
    EmbeddingBlock context(double startSec, double endSec, List<Integer> framesPerScene,
                           IntFunction<RgbImage> frames, String conditioning, int width, int height) {
        return context(startSec, endSec, framesPerScene, frames, conditioning, -1, width, height, null, null, null);
    }

    /** The same, with the video's projected-frame cache: range frame {@code i} is video frame {@code videoIndex(i)}. */
    EmbeddingBlock context(double startSec, double endSec, List<Integer> framesPerScene,
                           IntFunction<RgbImage> frames, String conditioning, int knownTextTokens, int width, int height,
                           IntUnaryOperator videoIndex, ProjectedFrameCache cache) {
        return context(startSec, endSec, framesPerScene, frames, conditioning, knownTextTokens, width, height, videoIndex, cache, null);
    }

    /** The same with the frames' sound ({@code audio} null: none). */
    EmbeddingBlock context(double startSec, double endSec, List<Integer> framesPerScene,
                           IntFunction<RgbImage> frames, String conditioning, int knownTextTokens, int width, int height,
                           IntUnaryOperator videoIndex, ProjectedFrameCache cache, FrameAudio audio) {
        return translator.translate(startSec, endSec, framesPerScene, frames, conditioning, knownTextTokens, width, height,
                videoIndex, cache, audio);
    }

    @Override
    public void close() {
        translator.close();
        if (audio != null) audio.manager().close();
    }

    /** {@link TdcContextId#of}'s value (tests compare identities without loading models). */
    static String identity(TdcVision.Files files, TdcSettings s, boolean referenceGeometry, int promptReserve, SceneSplit split) {
        return TdcContextId.of(files, s, referenceGeometry, promptReserve, split).value();
    }
}
