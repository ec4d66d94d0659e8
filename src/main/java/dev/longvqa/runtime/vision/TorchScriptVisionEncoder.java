package dev.longvqa.runtime.vision;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A TorchScript vision tower through DJL: the {@link Criteria} loads it, the {@link Batch}
 * translator does pre- and post-processing, the traced module is the network.
 */
final class TorchScriptVisionEncoder implements VisionEncoder {
    private final ZooModel<List<RgbImage>, PatchTokens> model;
    private final Predictor<List<RgbImage>, PatchTokens> predictor;
    private final ImagePreprocessor pre;
    private final String id;

    private TorchScriptVisionEncoder(ZooModel<List<RgbImage>, PatchTokens> model, ImagePreprocessor pre, String id) {
        this.model = model;
        this.predictor = model.newPredictor();
        this.pre = pre;
        this.id = id;
    }

    public static TorchScriptVisionEncoder open(Path file, ImagePreprocessor pre, Device device) throws IOException {
        Criteria<List<RgbImage>, PatchTokens> criteria = Criteria.builder()
                .setTypes(listType(), PatchTokens.class)
                .optModelPath(file)
                .optEngine("PyTorch")
                .optDevice(device)
                .optTranslator(new Batch(pre))
                .build();
        try {
            return new TorchScriptVisionEncoder(criteria.loadModel(), pre,
                    "torchscript:" + file.getFileName() + ":" + pre.size());
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("cannot load TorchScript encoder " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<List<RgbImage>> listType() {
        return (Class<List<RgbImage>>) (Class<?>) List.class;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ImagePreprocessor preprocessor() {
        return pre;
    }

    @Override
    public synchronized PatchTokens encode(List<RgbImage> frames) {
        try {
            return predictor.predict(frames);
        } catch (TranslateException e) {
            throw new IllegalStateException("vision encoder failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }

    /** Frames to a (B, 3, S, S) batch, hidden states back to {@link PatchTokens}. */
    static final class Batch implements NoBatchifyTranslator<List<RgbImage>, PatchTokens> {
        private final ImagePreprocessor pre;

        Batch(ImagePreprocessor pre) {
            this.pre = pre;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, List<RgbImage> frames) {
            int s = pre.size(), n = frames.size();
            float[] data = new float[n * 3 * s * s];
            for (int i = 0; i < n; i++) System.arraycopy(pre.apply(frames.get(i)), 0, data, i * 3 * s * s, 3 * s * s);
            NDManager m = ctx.getNDManager();
            return new NDList(m.create(data, new Shape(n, 3, s, s)));
        }

        @Override
        public PatchTokens processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = list.get(0);
            Shape shape = out.getShape();
            return new PatchTokens((int) shape.get(0), (int) shape.get(1), (int) shape.get(2), out.toFloatArray());
        }
    }
}
