package dev.longvqa.runtime.vlm;

import dev.longvqa.contract.Json;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.HfCheckpoint;
import dev.longvqa.runtime.llm.CausalLm;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * SmolVLM (Idefics3): the {@link CausalLm} text decoder plus its SigLIP tower and connector.
 * {@link #imageTokens} turns one frame into an embedding block; {@link #imagePrompt} wraps it in
 * the image delimiters the model was trained with, ready to splice into a chat turn.
 *
 * <p>Images go in as the checkpoint's {@code preprocessor_config.json} says
 * ({@link Idefics3Preprocessor}): SmolVLM's default splits an image into {@code image_size} tiles
 * after resizing its longest edge (Lanczos, as Pillow) and adds the whole image as a global tile;
 * without a config, one {@code image_size} square.
 */
public final class SmolVlm implements AutoCloseable {
    private final CausalLm language;
    private final Model model;
    private final SiglipVisionBlock vision;
    private final HfCheckpoint weights;
    private final Idefics3Preprocessor preprocessor;

    private SmolVlm(CausalLm language, Model model, SiglipVisionBlock vision, HfCheckpoint weights, Idefics3Preprocessor preprocessor) {
        this.language = language;
        this.model = model;
        this.vision = vision;
        this.weights = weights;
        this.preprocessor = preprocessor;
    }

    public static SmolVlm load(Path dir, Device device) {
        CausalLm language = CausalLm.load(dir, device);
        HfCheckpoint ckpt = null;
        Model model = null;
        try {
            VisionConfig vc = VisionConfig.fromJson(Json.mapper().readTree(dir.resolve("config.json").toFile()));
            ckpt = HfCheckpoint.open(dir);
            model = Model.newInstance("vision", device, "PyTorch");
            SiglipVisionBlock block = new SiglipVisionBlock(vc, language.config().hiddenSize());
            block.load(ckpt, model.getNDManager(), language.dataType());
            model.setBlock(block);
            Idefics3Preprocessor pre = Idefics3Preprocessor.fromCheckpoint(dir, vc.imageSize());
            if (pre.tileEdge() != vc.imageSize()) {
                throw new IOException("preprocessor_config.json's max_image_size " + pre.tileEdge() + " is not the vision tower's image_size " + vc.imageSize());
            }
            return new SmolVlm(language, model, block, ckpt, pre);
        } catch (IOException | RuntimeException e) {
            language.close();
            if (model != null) model.close();
            try {
                if (ckpt != null) ckpt.close();
            } catch (IOException ignored) {
                // the load failure is the error to report
            }
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "cannot load the SmolVLM vision tower in " + dir + ": " + e.getMessage(), e);
        }
    }

    public CausalLm language() {
        return language;
    }

    public VisionConfig visionConfig() {
        return vision.config();
    }

    /** Image tokens for one normalised image, {@code [3][S][S]} row-major in [-1, 1]. */
    public synchronized PromptPart.InputEmbeddings imageTokens(float[] pixelsChw) {
        int s = vision.config().imageSize();
        if (pixelsChw.length != 3 * s * s) throw new IllegalArgumentException("expected 3x" + s + "x" + s + " pixels");
        try (NDManager m = model.getNDManager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray px = m.create(pixelsChw, new Shape(3, s, s)).toType(language.dataType(), false);
            float[] out = vision.imageTokens(px).toType(DataType.FLOAT32, false).toFloatArray();
            return (PromptPart.InputEmbeddings) PromptPart.embeddings(out, language.config().hiddenSize());
        }
    }

    public PromptPart.InputEmbeddings imageTokens(RgbImage frame) {
        return imageTokens(normalise(frame, vision.config().imageSize()));
    }

    /** How this checkpoint's processor prepares images ({@code preprocessor_config.json}). */
    public Idefics3Preprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * One image as the checkpoint's processor gives it to the model: tiles (with
     * {@code do_image_splitting}) and the global image, each through the vision tower, laid out
     * with their row/column and global markers ({@link Idefics3Preprocessor#prompt}).
     */
    public List<PromptPart> imagePrompt(RgbImage frame) {
        return Idefics3Preprocessor.prompt(preprocessor.process(frame), this::imageTokens);
    }


    /**
     * Bilinear resize to {@code size}², rescale to [0, 1], normalise with mean = std = 0.5 (the
     * SmolVLM processor's constants). The processor resamples with Lanczos, so pixels differ
     * slightly from the Python pipeline's.
     */
    public static float[] normalise(RgbImage img, int size) {
        float[] out = new float[3 * size * size];
        double sx = (double) img.width() / size, sy = (double) img.height() / size;
        for (int y = 0; y < size; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, img.height() - 1), y1 = Math.min(y0 + 1, img.height() - 1);
            double wy = fy - y0;
            for (int x = 0; x < size; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, img.width() - 1), x1 = Math.min(x0 + 1, img.width() - 1);
                double wx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    double v = (1 - wy) * ((1 - wx) * img.at(x0, y0, c) + wx * img.at(x1, y0, c))
                            + wy * ((1 - wx) * img.at(x0, y1, c) + wx * img.at(x1, y1, c));
                    out[(c * size + y) * size + x] = (float) ((v / 255.0 - 0.5) / 0.5);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
        language.close();
        try {
            weights.close();
        } catch (IOException ignored) {
            // read-only mappings
        }
    }
}
