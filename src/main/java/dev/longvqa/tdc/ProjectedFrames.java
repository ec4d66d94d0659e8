package dev.longvqa.tdc;

import dev.longvqa.runtime.vision.PatchTokens;
import dev.longvqa.runtime.vision.VisionEncoder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longvqa.video.RgbImage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Frames to LLM-width frame tokens, the reference's vision path: every tower encodes the batch,
 * drops its prefix tokens (CLS), resizes its patch grid to {@code gridSide} (27x27 -> 24x24 in
 * TDC), then the {@link SvaProjector} aggregates to 12x12 and adds a newline per row, after the
 * grid is cropped like {@code unpad_image}. Frames go through in batches (the reference uses 64).
 */
public final class ProjectedFrames implements FrameTokenSource {
    /**
     * @param prefixTokens tokens before the patch grid in the encoder's output (1 for CLS; the
     *                     reference's SigLIP takes hidden_states[-1], which has none: 0)
     * @param gridSide     side of the grid the projector expects (24)
     */
    public record Tower(VisionEncoder encoder, int prefixTokens, int gridSide) {}

    /** The video's frame size for unpadding; {@code referenceQuirk} passes (h, w) as (w, h) like the reference. */
    public record Geometry(int width, int height, boolean referenceQuirk) {}

    private final List<Tower> towers;
    private final SvaProjector projector;
    private final TdcSettings settings;
    private final IntFunction<RgbImage> frames;
    private final NDManager manager;
    private final int batchSize;
    private final Geometry geometry;

    /**
     * @param settings grid rows/cols after unpadding (see {@link TdcSettings#forVideo}) and newline flag
     * @param frames   sampled frame by index (the caller may decode lazily)
     * @param geometry the video's size for the attention mask, or null for square/unmasked
     */
    public ProjectedFrames(List<Tower> towers, SvaProjector projector, TdcSettings settings,
                           IntFunction<RgbImage> frames, NDManager manager, int batchSize, Geometry geometry) {
        if (towers.size() != projector.towers()) {
            throw new IllegalArgumentException(towers.size() + " towers for a projector built for " + projector.towers());
        }
        this.towers = List.copyOf(towers);
        this.projector = projector;
        this.settings = settings;
        this.frames = frames;
        this.manager = manager;
        this.batchSize = Math.max(1, batchSize);
        this.geometry = geometry;
    }

    @Override
    public NDArray tokens(int[] frameIndices) {
        NDList out = new NDList();
        for (int from = 0; from < frameIndices.length; from += batchSize) {
            int to = Math.min(frameIndices.length, from + batchSize);
            List<RgbImage> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) batch.add(frames.apply(frameIndices[i]));
            out.add(project(batch));
        }
        return NDArrays.concat(out, 0);
    }

    /** (B, rows*(cols+1), H) for a batch of frames. */
    public NDArray project(List<RgbImage> batch) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = project(batch, scope);
            out.attach(manager);
            return out;
        }
    }

    private NDArray project(List<RgbImage> batch, NDManager manager) {
        NDList grids = new NDList();
        int side = towers.get(0).gridSide();
        for (Tower t : towers) grids.add(grid(t, batch, manager));
        NDArray mask = geometry == null ? null
                : unpadMask(manager, side, geometry).expandDims(0).repeat(0, batch.size());
        NDArray projected = projector.forward(grids, mask);
        return projector.frameTokens(projected, settings.gridRows(), settings.gridCols(), settings.imageNewline());
    }

    /** (B, side*side, C): one tower's patch grid, prefix dropped and resized to its {@code gridSide}, as the projector gets it. */
    private static NDArray grid(Tower t, List<RgbImage> batch, NDManager manager) {
        PatchTokens p = t.encoder().encode(batch).dropPrefix(t.prefixTokens());
        int s = (int) Math.round(Math.sqrt(p.tokens()));
        if (s * s != p.tokens()) throw new IllegalStateException(t.encoder().id() + ": " + p.tokens() + " patches are not a square grid");
        NDArray g = p.toNDArray(manager);
        if (s != t.gridSide()) {
            g = TokenGrids.resizeBilinear(g.reshape(p.batch(), s, s, p.dim()), t.gridSide(), t.gridSide())
                    .reshape(p.batch(), (long) t.gridSide() * t.gridSide(), p.dim());
        }
        return g;
    }

    /**
     * Cosine similarity of frames {@code frameIndices[i]} and {@code [i+1]} on the last tower's
     * flattened grid (DINOv2 in TDC): the features of the reference's scene split
     * ({@code adapt_segment}), computed like torch's {@code F.cosine_similarity} (eps 1e-8) in
     * float32. Batches stream through; only the previous batch's last frame is kept.
     */
    public double[] consecutiveSimilarity(int[] frameIndices) {
        Tower dino = towers.getLast();
        double[] out = new double[Math.max(0, frameIndices.length - 1)];
        NDArray previous = null;
        try (NDManager scope = manager.newSubManager()) {
            for (int from = 0; from < frameIndices.length; from += batchSize) {
                int to = Math.min(frameIndices.length, from + batchSize);
                List<RgbImage> batch = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) batch.add(frames.apply(frameIndices[i]));
                try (NDManager step = scope.newSubManager()) {
                    NDArray g = grid(dino, batch, step);
                    NDArray flat = g.reshape(g.getShape().get(0), -1).toType(DataType.FLOAT32, false);
                    float[] sims = cosineConsecutive(previous == null ? flat : previous.concat(flat, 0));
                    int base = previous == null ? 0 : from - 1;
                    for (int i = 0; i < sims.length; i++) out[base + i] = sims[i];
                    NDArray last = flat.get(new NDIndex("-1:"));
                    last.attach(scope);
                    if (previous != null) previous.close();
                    previous = last;
                }
            }
        }
        return out;
    }

    /**
     * {@code F.cosine_similarity(rows[:-1], rows[1:], dim=1)} of a (N, D) float32 array, as
     * torch computes it: {@code x·y / sqrt(max(|x|²|y|², eps²))}, eps = 1e-8.
     */
    public static float[] cosineConsecutive(NDArray rows) {
        if (rows.getShape().get(0) < 2) return new float[0];
        NDArray a = rows.get("0:-1"), b = rows.get("1:");
        NDArray w12 = a.mul(b).sum(new int[]{1});
        NDArray n12 = a.mul(a).sum(new int[]{1}).mul(b.mul(b).sum(new int[]{1})).maximum(1e-16f).sqrt();
        return w12.div(n12).toFloatArray();
    }

    /** The reference's {@code unmask_attention_mask}: (side, side) true where the frame is not padding. */
    public static NDArray unpadMask(NDManager manager, int side, Geometry g) {
        int ow = g.referenceQuirk() ? g.height() : g.width();
        int oh = g.referenceQuirk() ? g.width() : g.height();
        boolean[] m = new boolean[side * side];
        java.util.Arrays.fill(m, true);
        if ((double) ow / oh > 1.0) {
            int pad = (side - (int) (oh * ((double) side / ow))) / 2;
            for (int y = 0; y < side; y++) {
                if (y < pad || y >= side - pad) for (int x = 0; x < side; x++) m[y * side + x] = false;
            }
        } else {
            int pad = (side - (int) (ow * ((double) side / oh))) / 2;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) if (x < pad || x >= side - pad) m[y * side + x] = false;
            }
        }
        return manager.create(m, new Shape(side, side)).toType(DataType.BOOLEAN, false);
    }
}
