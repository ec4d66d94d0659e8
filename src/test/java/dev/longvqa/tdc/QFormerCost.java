package dev.longvqa.tdc;

/**
 * Multiply-adds of one compressed frame through {@link QFormerCompressor}, counted from the
 * shapes the way {@link QFormer#forward} computes them (fvcore-style: one GEMM of m×k by k×n is
 * m·k·n MACs; norms, softmax and GELU are left out, they are under 1%). Used by {@link TdcBench}
 * to turn a measured time into a fraction of the machine's GEMM peak.
 *
 * @param hidden       Q-Former width (768 for bert-base)
 * @param heads        attention heads
 * @param layers       BERT layers
 * @param crossFreq    cross-attention every {@code crossFreq}-th layer (2 in TDC)
 * @param width        frame-token width = LLM hidden size (3584 for Qwen2-7B)
 * @param keys         tokens per frame (156 = 12×12 grid + 12 newlines)
 * @param k            queries = compressed tokens per frame (16)
 * @param textTokens   question length in BERT ids
 * @param absorbed     cross-attention with folded key/value projections (QFormer's default)
 */
record QFormerCost(int hidden, int heads, int layers, int crossFreq, int width, int keys, int k, int textTokens,
                   boolean absorbed) {
    long intermediate() {
        return 4L * hidden;
    }

    long crossLayers() {
        return (layers + crossFreq - 1) / crossFreq;
    }

    /** Q, K, V, output projections plus scores and context over the K + text positions. */
    long selfAttentionMacs() {
        long n = k + textTokens, h = hidden;
        return layers * (4 * n * h * h + 2 * n * n * h);
    }

    long crossAttentionMacs() {
        long h = hidden, kk = k, w = width, t = keys;
        long perLayer = absorbed
                ? 2 * kk * h * h + 2 * kk * h * w + 2 * heads * kk * t * w   // q, out; fold Wk, Wv; scores, softmax·X
                : 2 * kk * h * h + 2 * t * w * h + 2 * kk * t * h;           // q, out; K, V of every frame token; attention
        return crossLayers() * perLayer;
    }

    /** The query stream's feed-forward in every layer; the text stream's in all but the last. */
    long feedForwardMacs() {
        long perToken = 2L * hidden * intermediate();
        return layers * k * perToken + (long) (layers - 1) * textTokens * perToken;
    }

    /** Average pooling of the static frame, query_proj and vision_proj. */
    long projectionMacs() {
        return (long) k * keys * width + 2L * k * width * hidden;
    }

    long totalMacs() {
        return selfAttentionMacs() + crossAttentionMacs() + feedForwardMacs() + projectionMacs();
    }

    /**
     * What any exact implementation must still do per frame, whatever it shares across frames:
     * after the first cross-attention every query state depends on the frame, so each of the K
     * queries needs the feed-forward of every layer and its Q/K/V/output projections in every
     * layer but the first, plus vision_proj. Question tokens and cross-attention are left out,
     * which only makes the bound lower.
     */
    long lowerBoundMacs() {
        long h = hidden;
        return layers * (long) k * 2 * h * intermediate() + (long) (layers - 1) * 4 * k * h * h + (long) k * h * width;
    }
}
