package dev.longvqa.runtime.vision;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A user-provided vision tower (SigLIP, DINOv2, ...) exported as TorchScript (run by DJL's
 * PyTorch engine) or ONNX (ONNX Runtime). The model maps normalised pixels (B, 3, S, S) to hidden
 * states (B, N, C); the {@link ImagePreprocessor} is the reference's. Loaded once, reused for every
 * batch: no per-frame engine start-up.
 */
public interface VisionEncoder extends AutoCloseable {
    String id();

    ImagePreprocessor preprocessor();

    /** Hidden states of a batch of frames, exactly as the model returns them (CLS included). */
    PatchTokens encode(List<RgbImage> frames);

    @Override
    void close();

    /** Opens by file extension: {@code .onnx} with ONNX Runtime, anything else as TorchScript. */
    static VisionEncoder open(Path model, ImagePreprocessor pre, String device) throws IOException {
        String name = model.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".onnx") ? OnnxVisionEncoder.open(model, pre) : TorchScriptVisionEncoder.open(model, pre, device(device));
    }

    /** "cpu", "gpu" or "auto" (a GPU when libtorch sees one). */
    static Device device(String spec) {
        String s = spec == null ? "auto" : spec.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> Device.gpu();
            case "auto" -> Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalArgumentException("device must be cpu, gpu or auto: " + spec);
        };
    }
}
