package dev.longvqa.scenes;

import dev.longvqa.runtime.vision.PatchTokens;
import dev.longvqa.runtime.vision.VisionEncoder;
import dev.longvqa.video.RgbImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scene-split embeddings from a ViT (DINOv2 in the reference, at 378 px) exported as TorchScript
 * or ONNX. {@link Pooling#CLS} and {@link Pooling#MEAN_PATCH} give compact vectors;
 * {@link Pooling#ALL_PATCHES} concatenates every patch token, which is what the reference's
 * {@code adapt_segment} compares (cosine over the flattened 576x1536 features): spatially
 * sensitive and large.
 */
public final class VitFrameEmbedder implements FrameEmbedder {
    public enum Pooling { CLS, MEAN_PATCH, ALL_PATCHES }

    private final VisionEncoder encoder;
    private final Pooling pooling;
    private final int prefixTokens;
    private final int batchSize;
    private final int dimension;

    /**
     * @param prefixTokens tokens before the patches (1 for a CLS token; DINOv2 with registers: 5)
     * @param batchSize    frames per encoder call
     */
    public VitFrameEmbedder(VisionEncoder encoder, Pooling pooling, int prefixTokens, int batchSize) {
        this.encoder = encoder;
        this.pooling = pooling;
        this.prefixTokens = prefixTokens;
        this.batchSize = Math.max(1, batchSize);
        if (pooling == Pooling.CLS && prefixTokens < 1) throw new IllegalArgumentException("CLS pooling needs a CLS token");
        // Probe once so dimension() is known before the first real frame.
        int s = encoder.preprocessor().size();
        this.dimension = embedAll(List.of(new RgbImage(s, s, new byte[s * s * 3]))).get(0).length;
    }

    @Override
    public String id() {
        return "vit:" + encoder.id() + ":" + pooling.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[] embed(RgbImage frame) {
        return embedAll(List.of(frame)).get(0);
    }

    @Override
    public List<float[]> embedAll(List<RgbImage> frames) {
        List<float[]> out = new ArrayList<>(frames.size());
        for (int from = 0; from < frames.size(); from += batchSize) {
            PatchTokens t = encoder.encode(frames.subList(from, Math.min(frames.size(), from + batchSize)));
            for (int b = 0; b < t.batch(); b++) out.add(pool(t, b));
        }
        return out;
    }

    private float[] pool(PatchTokens t, int b) {
        int d = t.dim(), n = t.tokens() - prefixTokens;
        return switch (pooling) {
            case CLS -> t.token(b, 0);
            case MEAN_PATCH -> {
                double[] acc = new double[d];
                for (int i = 0; i < n; i++) {
                    int off = (b * t.tokens() + prefixTokens + i) * d;
                    for (int j = 0; j < d; j++) acc[j] += t.data()[off + j];
                }
                float[] v = new float[d];
                for (int j = 0; j < d; j++) v[j] = (float) (acc[j] / n);
                yield v;
            }
            case ALL_PATCHES -> {
                float[] v = new float[n * d];
                System.arraycopy(t.data(), (b * t.tokens() + prefixTokens) * d, v, 0, n * d);
                yield v;
            }
        };
    }

    @Override
    public int preferredInputSize() {
        return encoder.preprocessor().size();
    }

    @Override
    public void close() {
        encoder.close();
    }
}
