package dev.longvqa.reason;

/**
 * Decoding settings of one pass. Temperature 0 means greedy, as in the reference
 * ({@code do_sample=False}), which is also what makes cached segment summaries reproducible.
 */
public record DecodingSettings(int maxTokens, double temperature) {
    public DecodingSettings {
        if (maxTokens <= 0) throw new IllegalArgumentException("maxTokens must be positive");
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0");
    }

    public static DecodingSettings greedy(int maxTokens) {
        return new DecodingSettings(maxTokens, 0.0);
    }
}
