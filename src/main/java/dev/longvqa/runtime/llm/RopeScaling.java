package dev.longvqa.runtime.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code rope_scaling} entry of a checkpoint's config: how rotary frequencies are stretched
 * for contexts longer than pre-training. Only the types whose frequencies do not depend on the
 * sequence length are supported ({@code default}, {@code linear}, {@code llama3}); a config naming
 * another type is refused at load time instead of silently producing wrong positions.
 */
public record RopeScaling(Type type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {

    public enum Type { DEFAULT, LINEAR, LLAMA3 }

    public static final RopeScaling NONE = new RopeScaling(Type.DEFAULT, 1, 1, 1, 0);

    static RopeScaling fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return NONE;
        String name = node.path("rope_type").asText(node.path("type").asText("default"));
        return switch (name) {
            case "default" -> NONE;
            case "linear" -> new RopeScaling(Type.LINEAR, node.path("factor").asDouble(1), 1, 1, 0);
            case "llama3" -> new RopeScaling(Type.LLAMA3, node.path("factor").asDouble(),
                    node.path("low_freq_factor").asDouble(1), node.path("high_freq_factor").asDouble(4),
                    node.path("original_max_position_embeddings").asInt(8192));
            default -> throw new IllegalArgumentException("rope_scaling type '" + name + "' is not supported"
                    + " (supported: default, linear, llama3)");
        };
    }

    /**
     * The inverse frequencies {@code 1 / theta^(2i/d)} for one head, after scaling. Computed in
     * float32 like the reference implementation, so positions rotate by the same angles.
     */
    public float[] inverseFrequencies(int headDim, double theta) {
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / headDim;
            inv[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        switch (type) {
            case DEFAULT -> { }
            case LINEAR -> { for (int i = 0; i < inv.length; i++) inv[i] = (float) (inv[i] / factor); }
            case LLAMA3 -> {
                // Long wavelengths (low frequencies) are divided by the factor, short ones kept,
                // and the band in between is interpolated smoothly between the two.
                double lowWavelen = originalMaxPositions / lowFreqFactor;
                double highWavelen = originalMaxPositions / highFreqFactor;
                for (int i = 0; i < inv.length; i++) {
                    double f = inv[i];
                    double wavelen = 2 * Math.PI / f;
                    if (wavelen > lowWavelen) {
                        inv[i] = (float) (f / factor);
                    } else if (wavelen >= highWavelen) {
                        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                        inv[i] = (float) ((1 - smooth) * f / factor + smooth * f);
                    }
                }
            }
        }
        return inv;
    }
}
