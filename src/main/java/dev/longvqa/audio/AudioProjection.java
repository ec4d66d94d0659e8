package dev.longvqa.audio;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;

import java.util.Objects;

/**
 * TDC's {@code audio_proj}: {@code nn.Linear(768, hidden_size)} from BEATs' width to the LLM's,
 * trained in stage 3. Its tensors sit in the TDC checkpoint beside the vision modules, under
 * {@code model.audio_proj.*} (the HF checkpoint's prefix) or bare {@code audio_proj.*}.
 */
public record AudioProjection(NDArray weight, NDArray bias) {
    public static final String[] PREFIXES = {"model.audio_proj.", "audio_proj."};

    public AudioProjection {
        Objects.requireNonNull(weight, "weight");
    }

    /** The projection in {@code file}, or null when the checkpoint has none (not trained with audio). */
    public static AudioProjection find(Safetensors file, NDManager manager) {
        for (String p : PREFIXES) {
            if (file.contains(p + "weight")) {
                return new AudioProjection(NdArrays.load(manager, file, p + "weight"),
                        file.contains(p + "bias") ? NdArrays.load(manager, file, p + "bias") : null);
            }
        }
        return null;
    }

    public static AudioProjection load(Safetensors file, NDManager manager) {
        AudioProjection p = find(file, manager);
        if (p == null) throw new IllegalArgumentException(file.path() + " has no audio_proj: a TDC checkpoint without audio training");
        return p;
    }

    public int inputWidth() {
        return (int) weight.getShape().get(1);
    }

    public int outputWidth() {
        return (int) weight.getShape().get(0);
    }

    /** (..., 768) → (..., hidden). */
    public NDArray apply(NDArray x) {
        return bias == null ? Linear.linear(x, weight).singletonOrThrow() : Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
