package dev.longvqa.tdc;

import ai.djl.ndarray.NDManager;
import dev.longvqa.audio.AudioProjection;
import dev.longvqa.audio.Beats;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.runtime.vision.VisionEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a {@link TdcVisualContext} is loaded (DJL's {@code Criteria}): the files, the settings
 * that shape the context, the device, precision and Q-Former engine; {@link #load} probes the checkpoint, refuses a
 * wrong pairing before the towers load, and builds the {@link TdcTranslator}, the
 * {@link TdcContextId} and the optional audio side. Every setting has a default except the files.
 */
public final class TdcContextLoader {
    private final TdcVision.Files files;
    private TdcSettings settings = TdcSettings.defaults();
    private String device = "auto";
    private TdcPrecision precision = TdcPrecision.AUTO;
    private TdcEngine engine = TdcEngine.AUTO;
    private boolean referenceGeometry = true;
    private int promptReserve = TdcVisualContext.DEFAULT_PROMPT_RESERVE;
    private TdcVisualContext.Listener listener = b -> {};
    private long frameCacheBytes = TdcVisualContext.DEFAULT_FRAME_CACHE_BYTES;
    private TdcVisualContext.SceneSplit sceneSplit = TdcVisualContext.SceneSplit.REFERENCE;
    private Path beats;

    TdcContextLoader(TdcVision.Files files) {
        this.files = Objects.requireNonNull(files, "files");
    }

    /** Budget, chunking, grid (default: the reference's, 8K). */
    public TdcContextLoader settings(TdcSettings v) { settings = Objects.requireNonNull(v); return this; }

    /** "cpu", "gpu" or "auto". */
    public TdcContextLoader device(String v) { device = v; return this; }

    /** What the projector and the Q-Former compute in (default AUTO: float16 on a GPU, half precision as the reference). */
    public TdcContextLoader precision(TdcPrecision v) { precision = Objects.requireNonNull(v); return this; }

    /** What runs the Q-Former (default AUTO: ONNX Runtime on the CPU in float32, DJL on a GPU). */
    public TdcContextLoader engine(TdcEngine v) { engine = Objects.requireNonNull(v); return this; }

    /**
     * True (default): frames keep the grid the reference's {@code unpad_image} leaves for the
     * video's aspect ratio (its (height, width) quirk included); false: the full square grid.
     */
    public TdcContextLoader referenceGeometry(boolean v) { referenceGeometry = v; return this; }

    /** Prompt tokens besides the conditioning text assumed when planning (see {@link TdcVisualContext#textTokens}). */
    public TdcContextLoader promptReserve(int v) {
        if (v < 0) throw new IllegalArgumentException("promptReserve < 0");
        promptReserve = v;
        return this;
    }

    /** Where scenes come from (default {@link TdcVisualContext.SceneSplit#REFERENCE}). */
    public TdcContextLoader sceneSplit(TdcVisualContext.SceneSplit v) { sceneSplit = Objects.requireNonNull(v); return this; }

    public TdcContextLoader listener(TdcVisualContext.Listener v) { listener = Objects.requireNonNull(v); return this; }

    /**
     * BEATs weights (converted by {@code tools/beats_to_safetensors.py}; null: none): frames of
     * videos with sound then carry 50 audio tokens each through the checkpoint's
     * {@code audio_proj}, which the checkpoint must have (a stage-3, audio-trained TDC).
     */
    public TdcContextLoader beats(Path v) { beats = v; return this; }

    /**
     * Heap kept per video for projected frames ({@link ProjectedFrameCache}), so frames seen by
     * an earlier pass of the same video skip the towers; 0 turns it off. Default 768 MiB: one
     * 8K context at TDC-Qwen2-7B's width (224 × 2.2 MB) with room to spare.
     */
    public TdcContextLoader frameCacheBytes(long v) {
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
     * Like {@link #load()}, but refuses {@code model} ({@link TdcVisualContext#requireCompatible})
     * before the towers are loaded, so a wrong pairing fails in milliseconds.
     */
    public TdcVisualContext loadFor(LanguageModel model) {
        return load(Objects.requireNonNull(model, "model"));
    }

    private TdcVisualContext load(LanguageModel model) {
        int width = TdcCheckpoint.outputWidth(files.checkpoint());
        if (model != null) requireCompatible(model, width);
        TdcContextId id = TdcContextId.of(files, settings, referenceGeometry, promptReserve, sceneSplit);
        TdcVisualContext.AudioSide audio = null;
        try {
            audio = beats == null ? null : loadAudio(files.checkpoint(), beats, device, width);
            TdcVision vision = TdcVision.load(files, settings, device, precision, engine);
            var translator = new TdcTranslator(vision, settings, width, referenceGeometry, promptReserve, sceneSplit, listener);
            return new TdcVisualContext(translator, id.computedIn(vision.computeType()), audio, frameCacheBytes);
        } catch (IOException | RuntimeException e) {
            if (audio != null) audio.manager().close();
            if (e instanceof LongVqaException l) throw l;
            throw new LongVqaException(ErrorCode.BAD_REQUEST, "cannot load the TDC vision side from "
                    + files.checkpoint() + " and its towers: " + e.getMessage(), e);
        }
    }

    private static TdcVisualContext.AudioSide loadAudio(Path checkpoint, Path beatsFile, String device, int width) throws IOException {
        if (!Files.isRegularFile(beatsFile)) throw LongVqaException.badInput(ErrorCode.NOT_FOUND, "BEATs file " + beatsFile + " does not exist");
        var manager = NDManager.newBaseManager(VisionEncoder.device(device), "PyTorch");
        try {
            AudioProjection proj = null;
            for (Path p : TdcCheckpoint.safetensors(checkpoint)) {
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
            return new TdcVisualContext.AudioSide(manager, beats, proj, "beats=" + TdcCheckpoint.stamp(beatsFile));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Refuses a model that cannot take a context of {@code hiddenSize}: one without input
     * embeddings (it would silently fall back to images or text), or one whose hidden size differs
     * from the projector's.
     */
    static void requireCompatible(LanguageModel model, int hiddenSize) {
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
}
