package dev.longvqa.scenes;

import dev.longvqa.video.RgbImage;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a frame into a fixed-length vector whose cosine similarity to the next frame's vector
 * tells whether the shot continues. Implementations: the built-in {@code SignatureEmbedder}
 * (no weights) and ViT encoders (DINOv2 etc.) loaded from user-provided ONNX/TorchScript files.
 */
public interface FrameEmbedder extends AutoCloseable {
    /** A stable id naming the embedder and its settings (part of cache keys). */
    String id();

    int dimension();

    float[] embed(RgbImage frame);

    /** Batched form; engines with real batching override it. */
    default List<float[]> embedAll(List<RgbImage> frames) {
        List<float[]> out = new ArrayList<>(frames.size());
        for (RgbImage f : frames) out.add(embed(f));
        return out;
    }

    /** Preferred input size (longest side, pixels) the sampler should deliver. */
    default int preferredInputSize() {
        return 224;
    }

    @Override
    default void close() {}
}
