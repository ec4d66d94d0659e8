package dev.longvqa.runtime.vlm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The SigLIP vision tower and connector settings of an Idefics3 / SmolVLM {@code config.json}
 * ({@code vision_config} and the top-level {@code scale_factor}); missing fields take
 * transformers' {@code Idefics3VisionConfig} defaults.
 */
public record VisionConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int imageSize,
                           int patchSize, double layerNormEps, int scaleFactor) {

    public static VisionConfig fromJson(JsonNode root) {
        JsonNode v = root.path("vision_config");
        if (v.isMissingNode()) throw new IllegalArgumentException("config.json has no vision_config: not a vision-language checkpoint");
        return new VisionConfig(v.path("hidden_size").asInt(1152), v.path("intermediate_size").asInt(3072),
                v.path("num_hidden_layers").asInt(12), v.path("num_attention_heads").asInt(16),
                v.path("image_size").asInt(224), v.path("patch_size").asInt(32), v.path("layer_norm_eps").asDouble(1e-6),
                root.path("scale_factor").asInt(2));
    }

    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    /** Tokens one image becomes after the pixel shuffle: (side / scale)². */
    public int tokensPerImage() {
        int side = patchesPerSide() / scaleFactor;
        return side * side;
    }
}
