package dev.longvqa.reason;

/**
 * Decoding settings of one pass. Temperature 0 means greedy, as in the reference
 * ({@code do_sample=False}), which is also what makes cached segment summaries reproducible.
 */
public record Generation(int maxTokens, double temperature) {
    public Generation {
        if (maxTokens <= 0) throw new IllegalArgumentException("maxTokens must be positive");
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0");
    }

    public static Generation greedy(int maxTokens) {
        return new Generation(maxTokens, 0.0);
    }
}
