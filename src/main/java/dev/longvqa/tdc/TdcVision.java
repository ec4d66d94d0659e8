package dev.longvqa.tdc;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

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
    private final QFormerCompressor compressor;
    private final QuestionTokenizer tokenizer;
    private final TdcSettings settings;
    private final int batchSize;

    private TdcVision(NDManager manager, List<VisionEncoder> encoders, List<ProjectedFrames.Tower> towers,
                      SvaProjector projector, QFormerCompressor compressor, QuestionTokenizer tokenizer,
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

    /** @param device "cpu", "gpu" or "auto" */
    public static TdcVision load(Files files, TdcSettings settings, String device) throws IOException {
        Device d = VisionEncoder.device(device);
        NDManager manager = NDManager.newBaseManager(d, "PyTorch");
        List<VisionEncoder> encoders = new ArrayList<>();
        try (TdcWeights w = TdcWeights.open(files.checkpoint())) {
            List<ProjectedFrames.Tower> towers = new ArrayList<>();
            for (TowerFile t : files.towers()) {
                VisionEncoder e = VisionEncoder.open(t.model(), t.preprocessor(), device);
                encoders.add(e);
                towers.add(new ProjectedFrames.Tower(e, t.prefixTokens(), t.gridSide()));
            }
            SvaProjector projector = SvaProjector.load(w, "model.", settings.gridRows(), manager);
            QFormerCompressor compressor = QFormerCompressor.load(w, "model.", settings.queryTokens(), files.qformerHeads(), manager);
            QuestionTokenizer tok = QuestionTokenizer.open(files.bertTokenizer());
            return new TdcVision(manager, encoders, towers, projector, compressor, tok, settings, 64);
        } catch (IOException | RuntimeException e) {
            for (VisionEncoder enc : encoders) enc.close();
            manager.close();
            throw e;
        }
    }

    public ContextPlan plan(List<Integer> framesPerScene, int textTokens, ProjectedFrames.Geometry geometry) {
        return TdcPlanner.plan(framesPerScene, textTokens, settingsFor(geometry));
    }

    private TdcSettings settingsFor(ProjectedFrames.Geometry g) {
        return g == null ? settings : settings.forVideo(g.width(), g.height(), g.referenceQuirk());
    }

    /**
     * The visual part of the LLM input, (plan.visualTokens(), H) float32 on this instance's device.
     * Close the result when done with it. Everything else the call made (projected frames, the
     * Q-Former's batches: hundreds of MB at real sizes) is freed before it returns.
     */
    public NDArray context(List<Integer> framesPerScene, int textTokens, IntFunction<RgbImage> frames,
                           String question, ProjectedFrames.Geometry geometry) {
        TdcSettings s = settingsFor(geometry);
        try (NDManager call = manager.newSubManager()) {
            ProjectedFrames source = new ProjectedFrames(towers, projector, s, frames, call, batchSize, geometry);
            NDArray ids = tokenizer.idsArray(call, question);
            NDArray out = new ContextBuilder(compressor, s, batchSize).build(framesPerScene, textTokens, source, ids);
            out.attach(manager);
            return out;
        }
    }

    /** Arrays held by this instance's manager and its sub-managers: the weights plus any results not closed yet. */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        tokenizer.close();
        for (VisionEncoder e : encoders) e.close();
        manager.close();
    }
}
