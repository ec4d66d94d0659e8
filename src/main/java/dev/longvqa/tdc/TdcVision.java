package dev.longvqa.tdc;

import dev.longvqa.runtime.vision.ImagePreprocessor;
import dev.longvqa.runtime.vision.VisionEncoder;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * Everything between sampled frames and the LLM's visual input embeddings, loaded once:
 * the two towers, the SVA projector, the Q-Former compressor and the BERT tokenizer.
 * <pre>
 * try (TdcVision v = TdcVision.load(TdcVision.Files.reference(ckpt, siglip, dino, bertJson), settings, "auto")) {
 *     NDArray visual = v.context(framesPerScene, textTokens, i -> frames.get(i), question, geometry);
 * }
 * </pre>
 */
public final class TdcVision implements AutoCloseable {
    /** One tower file with how to read its output. */
    public record TowerFile(Path model, ImagePreprocessor preprocessor, int prefixTokens, int gridSide) {}

    /**
     * @param checkpoint TDC checkpoint file or shard directory (tensors under {@code model.})
     * @param towers     in the checkpoint's order: {@code mm_projector_aux_0} is SigLIP, {@code _1} DINOv2
     * @param bertTokenizer bert-base-uncased {@code tokenizer.json}
     * @param qformerHeads  attention heads of the Q-Former (12 for bert-base)
     */
    public record Files(Path checkpoint, List<TowerFile> towers, Path bertTokenizer, int qformerHeads) {
        /** TDC's towers: SigLIP so400m at 384 (hidden_states[-1], no CLS), DINOv2 at 378 (CLS first), both to 24x24. */
        public static Files reference(Path checkpoint, Path siglip, Path dinov2, Path bertTokenizer) {
            return new Files(checkpoint, List.of(
                    new TowerFile(siglip, ImagePreprocessor.siglip(384), 0, 24),
                    new TowerFile(dinov2, ImagePreprocessor.dinov2(378), 1, 24)), bertTokenizer, 12);
        }
    }

    private final NDManager manager;
    private final List<VisionEncoder> encoders;
    private final List<ProjectedFrames.Tower> towers;
    private final SvaProjector projector;
    private final FrameCompressor compressor;
    private final QuestionTokenizer tokenizer;
    private final TdcSettings settings;
    private final int batchSize;

    private TdcVision(NDManager manager, List<VisionEncoder> encoders, List<ProjectedFrames.Tower> towers,
                      SvaProjector projector, FrameCompressor compressor, QuestionTokenizer tokenizer,
                      TdcSettings settings, int batchSize) {
        this.manager = manager;
        this.encoders = encoders;
        this.towers = towers;
        this.projector = projector;
        this.compressor = compressor;
        this.tokenizer = tokenizer;
        this.settings = settings;
        this.batchSize = batchSize;
    }

    /** @param device "cpu", "gpu" or "auto"; precision {@link TdcPrecision#AUTO} (float16 on a GPU) */
    public static TdcVision load(Files files, TdcSettings settings, String device) throws IOException {
        return load(files, settings, device, TdcPrecision.AUTO);
    }

    /** The same with the Q-Former's engine chosen by {@link TdcEngine#AUTO}. */
    public static TdcVision load(Files files, TdcSettings settings, String device, TdcPrecision precision) throws IOException {
        return load(files, settings, device, precision, TdcEngine.AUTO);
    }

    /**
     * @param device    "cpu", "gpu" or "auto"
     * @param precision what the projector and the Q-Former compute in (the towers run as their files were exported)
     * @param engine    what runs the Q-Former ({@link TdcEngine#resolve}); ONNX Runtime computes in
     *                  float32, and so does the projector then
     */
    public static TdcVision load(Files files, TdcSettings settings, String device, TdcPrecision precision, TdcEngine engine)
            throws IOException {
        Device d = VisionEncoder.device(device);
        TdcEngine resolved = engine.resolve(d, precision);
        DataType type = resolved == TdcEngine.ONNXRUNTIME ? DataType.FLOAT32 : precision.dataType(d);
        NDManager manager = NDManager.newBaseManager(d, "PyTorch");
        List<VisionEncoder> encoders = new ArrayList<>();
        FrameCompressor compressor = null;
        try (TdcWeights w = TdcWeights.open(files.checkpoint())) {
            List<ProjectedFrames.Tower> towers = new ArrayList<>();
            for (TowerFile t : files.towers()) {
                VisionEncoder e = VisionEncoder.open(t.model(), t.preprocessor(), device);
                encoders.add(e);
                towers.add(new ProjectedFrames.Tower(e, t.prefixTokens(), t.gridSide()));
            }
            SvaProjector projector = SvaProjector.load(w, "model.", settings.gridRows(), manager, type);
            compressor = resolved == TdcEngine.ONNXRUNTIME
                    ? OrtQFormerCompressor.load(w, "model.", settings.queryTokens(), files.qformerHeads(), manager)
                    : QFormerCompressor.load(w, "model.", settings.queryTokens(), files.qformerHeads(), manager, type);
            QuestionTokenizer tok = QuestionTokenizer.open(files.bertTokenizer());
            return new TdcVision(manager, encoders, towers, projector, compressor, tok, settings, 64);
        } catch (IOException | RuntimeException e) {
            if (compressor != null) compressor.close();
            for (VisionEncoder enc : encoders) enc.close();
            manager.close();
            throw e;
        }
    }

    public ContextPlan plan(List<Integer> framesPerScene, int textTokens, ProjectedFrames.Geometry geometry) {
        return plan(framesPerScene, textTokens, geometry, 0);
    }

    /** The plan when each frame also carries {@code audioTokens} audio tokens (0: none). */
    public ContextPlan plan(List<Integer> framesPerScene, int textTokens, ProjectedFrames.Geometry geometry, int audioTokens) {
        return TdcPlanner.plan(framesPerScene, textTokens, settingsFor(geometry).withAudioTokens(audioTokens));
    }

    private TdcSettings settingsFor(ProjectedFrames.Geometry g) {
        return g == null ? settings : settings.forVideo(g.width(), g.height(), g.referenceQuirk());
    }

    /**
     * The scenes a TDC checkpoint was trained with ({@link ReferenceSceneSplit}): the frame cap
     * first, then the DINOv2 tower's similarities between consecutive capped frames (only the
     * capped frames go through it, and only when there are more than {@code maxSegments + 1}).
     * The result is {@code framesPerScene} over all {@code total} frames, for {@link #context}.
     */
    public List<Integer> referenceScenes(int total, int textTokens, IntFunction<RgbImage> frames,
                                         ProjectedFrames.Geometry geometry, int maxSegments) {
        return referenceScenes(total, textTokens, frames, geometry, maxSegments, null, null);
    }

    /** The same, keeping the similarities in {@code cache} (frame {@code i} is its frame {@code cacheKey(i)}); may be null. */
    public List<Integer> referenceScenes(int total, int textTokens, IntFunction<RgbImage> frames,
                                         ProjectedFrames.Geometry geometry, int maxSegments,
                                         IntUnaryOperator cacheKey, ProjectedFrameCache cache) {
        return referenceScenes(total, textTokens, frames, geometry, maxSegments, cacheKey, cache, 0);
    }

    /** The same when each frame also carries {@code audioTokens} audio tokens: the frame cap counts them (get_max_num_frames). */
    public List<Integer> referenceScenes(int total, int textTokens, IntFunction<RgbImage> frames,
                                         ProjectedFrames.Geometry geometry, int maxSegments,
                                         IntUnaryOperator cacheKey, ProjectedFrameCache cache, int audioTokens) {
        TdcSettings s = settingsFor(geometry).withAudioTokens(audioTokens);
        int[] selected = TdcPlanner.selectFrames(total, textTokens, s);
        double[] sims = new double[0];
        if (ReferenceSceneSplit.needsSimilarities(selected.length, maxSegments)) {
            sims = cache == null ? null : cachedSimilarities(selected, cacheKey, cache);
            if (sims == null) {
                try (NDManager call = manager.newSubManager()) {
                    sims = new ProjectedFrames(towers, projector, s, frames, call, batchSize, geometry).consecutiveSimilarity(selected);
                }
                if (cache != null) {
                    for (int i = 0; i < sims.length; i++) {
                        cache.putSimilarity(cacheKey.applyAsInt(selected[i]), cacheKey.applyAsInt(selected[i + 1]), (float) sims[i]);
                    }
                }
            }
        }
        return ReferenceSceneSplit.framesPerScene(total, selected, ReferenceSceneSplit.sceneStarts(selected.length, sims, maxSegments));
    }

    /**
     * The visual part of the LLM input, (plan.visualTokens(), H) float32 on this instance's device.
     * Close the result when done with it. Everything else the call made (projected frames, the
     * Q-Former's batches: hundreds of MB at real sizes) is freed before it returns.
     */
    public NDArray context(List<Integer> framesPerScene, int textTokens, IntFunction<RgbImage> frames,
                           String question, ProjectedFrames.Geometry geometry) {
        return context(framesPerScene, textTokens, frames, question, geometry, null, null);
    }

    /**
     * The same, taking projected frames from {@code cache} where it has them and keeping the ones
     * it computes there: frame {@code i} of this call is the cache's frame {@code cacheKey(i)}
     * (e.g. its index in the whole video). {@code cache} may be null.
     */
    public NDArray context(List<Integer> framesPerScene, int textTokens, IntFunction<RgbImage> frames,
                           String question, ProjectedFrames.Geometry geometry,
                           IntUnaryOperator cacheKey, ProjectedFrameCache cache) {
        return context(framesPerScene, textTokens, frames, question, geometry, cacheKey, cache, null);
    }

    /**
     * The same with the frames' sound: {@code audio}'s tokens are concatenated to each frame's
     * visual tokens before the Q-Former, so the static frame carries both and the compressed
     * frames' queries attend to both, as the reference does ({@code null}: no audio).
     */
    public NDArray context(List<Integer> framesPerScene, int textTokens, IntFunction<RgbImage> frames,
                           String question, ProjectedFrames.Geometry geometry,
                           IntUnaryOperator cacheKey, ProjectedFrameCache cache, FrameAudio audio) {
        TdcSettings visualOnly = settingsFor(geometry);
        TdcSettings s = audio == null ? visualOnly : visualOnly.withAudioTokens(audio.tokensPerFrame());
        try (NDManager call = manager.newSubManager()) {
            ProjectedFrames projected = new ProjectedFrames(towers, projector, visualOnly, frames, call, batchSize, geometry);
            FrameTokenSource visual = cache == null ? projected : cached(projected, cacheKey, cache, call);
            FrameTokenSource source = visual;
            if (audio != null) {
                int[] selected = TdcPlanner.plan(framesPerScene, textTokens, s).chunkDetail().stream()
                        .flatMap(c -> c.frameIndices().stream()).mapToInt(Integer::intValue).sorted().toArray();
                source = idx -> visual.tokens(idx).concat(audio.tokens(idx, selected, call), 1);
            }
            NDArray ids = tokenizer.idsArray(call, question);
            NDArray out = new ContextBuilder(compressor, s, batchSize).build(framesPerScene, textTokens, source, ids);
            out.attach(manager);
            return out;
        }
    }

    /** Every consecutive pair's similarity from the cache, or null if one is missing. */
    private static double[] cachedSimilarities(int[] selected, IntUnaryOperator key, ProjectedFrameCache cache) {
        double[] out = new double[selected.length - 1];
        for (int i = 0; i < out.length; i++) {
            Float v = cache.similarity(key.applyAsInt(selected[i]), key.applyAsInt(selected[i + 1]));
            if (v == null) return null;
            out[i] = v;
        }
        return out;
    }

    /** Hits come from the heap copy; misses go through the towers together, then join the cache. */
    private static FrameTokenSource cached(FrameTokenSource projected, IntUnaryOperator key,
                                           ProjectedFrameCache cache, NDManager call) {
        return idx -> {
            ProjectedFrameCache.FrameTokens[] hit = new ProjectedFrameCache.FrameTokens[idx.length];
            List<Integer> missed = new ArrayList<>();
            for (int i = 0; i < idx.length; i++) {
                hit[i] = cache.get(key.applyAsInt(idx[i]));
                if (hit[i] == null) missed.add(i);
            }
            NDArray computed = missed.isEmpty() ? null
                    : projected.tokens(missed.stream().mapToInt(i -> idx[i]).toArray());
            NDList rows = new NDList(idx.length);
            int next = 0;
            for (int i = 0; i < idx.length; i++) {
                if (hit[i] != null) {
                    rows.add(call.create(hit[i].values(), new Shape(hit[i].rows(), hit[i].hidden())));
                } else {
                    NDArray row = computed.get(next++);
                    Shape shape = row.getShape();
                    cache.put(key.applyAsInt(idx[i]), new ProjectedFrameCache.FrameTokens((int) shape.get(0), (int) shape.get(1),
                            row.toType(DataType.FLOAT32, false).toFloatArray()));
                    rows.add(row);
                }
            }
            return NDArrays.stack(rows, 0);
        };
    }

    /** What the projector and the Q-Former compute in. */
    public DataType computeType() {
        return compressor.computeType();
    }

    /** The engine that runs the Q-Former (never AUTO). */
    public TdcEngine engine() {
        return compressor.engine();
    }

    /** Arrays held by this instance's manager and its sub-managers: the weights plus any results not closed yet. */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        compressor.close();
        tokenizer.close();
        for (VisionEncoder e : encoders) e.close();
        manager.close();
    }
}
