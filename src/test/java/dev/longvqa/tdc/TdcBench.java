package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.engine.Engine;

import java.util.Locale;

/**
 * Compression throughput of the Q-Former on CPU with random weights at real sizes (bench/tdc/run.sh
 * runs it next to the PyTorch equivalent). Not a test: it asserts nothing and prints ms/frame.
 *
 * <p>Every run first measures this machine's float32 GEMM rate through the same libtorch (the
 * reference in the same invocation), then prints each shape's time as a fraction of that peak,
 * the floor that peak puts under this computation, and a lower bound for any exact
 * implementation ({@link QFormerCost}), next to the 10 ms/frame target.
 * <pre>
 * args: hidden heads layers encoderWidth keys k batch...   e.g. 768 12 12 3584 156 16 7 56
 * -Dtext=N question length in BERT ids (8), -Dabsorb=false plain cross-attention, -Dframes=N frames per timing (56)
 * </pre>
 */
public final class TdcBench {
    static final double TARGET_MS = 10;

    public static void main(String[] args) throws Exception {
        int hidden = Integer.parseInt(args[0]), heads = Integer.parseInt(args[1]), layers = Integer.parseInt(args[2]);
        int width = Integer.parseInt(args[3]), keys = Integer.parseInt(args[4]), k = Integer.parseInt(args[5]);
        int text = Integer.getInteger("text", 8);
        boolean absorb = Boolean.parseBoolean(System.getProperty("absorb", "true"));
        Engine.getEngine("PyTorch"); // start-up outside the timing
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            double peak = gemmPeak(m, hidden);
            QFormer q = QFormer.create(new QFormer.Config(layers, heads, 1e-12f), 2).absorbCrossAttention(absorb);
            QFormerCompressor c = QFormerCompressor.create(q, k);
            java.util.function.Function<String, NDArray> random = name -> m.randomNormal(0, 0.02f,
                    shapeOf(name, hidden, width, 4 * hidden), ai.djl.ndarray.types.DataType.FLOAT32, m.getDevice());
            q.load(random);
            c.load(random);
            long[] question = new long[text];
            for (int i = 0; i < text; i++) question[i] = i == 0 ? 101 : i == text - 1 ? 102 : 3 + (i * 37) % 120;
            NDArray ids = m.create(question, new Shape(1, text));
            QFormerCost cost = new QFormerCost(hidden, heads, layers, 2, width, keys, k, text, absorb);
            double gflop = 2e-9 * cost.totalMacs(), boundGflop = 2e-9 * cost.lowerBoundMacs();
            System.out.printf(Locale.ROOT, "java-djl device=%s absorb=%s cores=%d hidden=%d heads=%d layers=%d width=%d keys=%d k=%d text=%d%n",
                    m.getDevice(), absorb, Runtime.getRuntime().availableProcessors(), hidden, heads, layers, width, keys, k, text);
            System.out.printf(Locale.ROOT, "cost gflop_per_frame=%.2f (self-attn %.2f, cross-attn %.2f, ffn %.2f, proj %.2f) "
                            + "exact_lower_bound_gflop=%.2f%n", gflop, 2e-9 * cost.selfAttentionMacs(),
                    2e-9 * cost.crossAttentionMacs(), 2e-9 * cost.feedForwardMacs(), 2e-9 * cost.projectionMacs(), boundGflop);
            double best = Double.MAX_VALUE;
            for (int a = 6; a < args.length; a++) {
                int batch = Integer.parseInt(args[a]);
                NDArray statics = m.randomNormal(new Shape(batch, keys, width));
                NDArray frames = m.randomNormal(new Shape(batch, keys, width));
                for (int w = 0; w < 2; w++) try (NDArray r = c.compress(statics, frames, ids)) { r.toFloatArray(); }
                int reps = Math.max(2, Integer.getInteger("frames", 56) / batch);
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) try (NDArray out = c.compress(statics, frames, ids)) { out.toFloatArray(); }
                double ms = (System.nanoTime() - t0) / 1e6 / reps / batch;
                best = Math.min(best, ms);
                System.out.printf(Locale.ROOT, "batch=%d ms_per_frame=%.2f frames_per_s=%.1f gflops=%.1f of_gemm_peak=%.2f%n",
                        batch, ms, 1000 / ms, gflop / ms * 1e3, gflop / ms * 1e3 / peak);
                statics.close();
                frames.close();
            }
            poolingBaseline(m, width, 56);
            // The rate wanders with clocks and neighbours: measure again after the runs and keep
            // the higher peak, so shares of it are never flattered by a slow first measurement.
            double again = gemmPeak(m, hidden);
            if (again > peak) {
                System.out.printf(Locale.ROOT, "peak now %.1f GFLOP/s: best run at %.2f of it%n", again, gflop / best * 1e3 / again);
                peak = again;
            }
            double floor = gflop / peak * 1e3, bound = boundGflop / peak * 1e3;
            System.out.printf(Locale.ROOT, "floor_ms_at_gemm_peak=%.1f exact_lower_bound_ms=%.1f best_ms=%.1f target_ms=%.0f "
                            + "best/target=%.1f bound/target=%.1f target %s%n", floor, bound, best, TARGET_MS,
                    best / TARGET_MS, bound / TARGET_MS, best <= TARGET_MS ? "MET" : bound > TARGET_MS
                            ? "NOT MET: 10 ms is under the exact lower bound at this machine's GEMM peak" : "NOT MET");
        }
    }

    /** The STORM-style baseline on the same frames (12x12 grid, t=4 frames, 2x2 spatial): no weights, a few means. */
    static void poolingBaseline(NDManager m, int width, int batch) {
        try (NDArray frames = m.randomNormal(new Shape(batch, 144, width))) {
            for (int w = 0; w < 2; w++) PoolingContext.pool(frames, 12, 12, 4, 2).toFloatArray();
            int reps = 5;
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) PoolingContext.pool(frames, 12, 12, 4, 2).toFloatArray();
            double ms = (System.nanoTime() - t0) / 1e6 / reps / batch;
            System.out.printf(Locale.ROOT, "pooling baseline (t=4 s=2, no weights) batch=%d ms_per_frame=%.3f%n", batch, ms);
        }
    }

    /**
     * The best float32 GEMM rate libtorch reaches here, in GFLOP/s: the Q-Former's own
     * feed-forward shape (1344 rows = 56 frames × 24 positions) and a large square product.
     */
    static double gemmPeak(NDManager m, int hidden) throws Exception {
        return gemmPeak("gemm", "libtorch " + Engine.getEngine("PyTorch").getVersion(), hidden, (rows, inner, cols) -> {
            try (NDArray x = m.randomNormal(new Shape(rows, inner)); NDArray w = m.randomNormal(new Shape(inner, cols))) {
                return gflops(rows, inner, cols, () -> x.matMul(w).close());
            }
        });
    }

    /** One engine's GEMM rate at (rows × inner) · (inner × cols), in GFLOP/s. */
    interface GemmRate {
        double at(int rows, int inner, int cols) throws Exception;
    }

    /** One product, done once per call. */
    interface Product {
        void run() throws Exception;
    }

    /** The best of {@code rate} over the Q-Former's FFN shapes and 2048³, printed on one line. */
    static double gemmPeak(String label, String engine, int hidden, GemmRate rate) throws Exception {
        int[][] shapes = {{1344, hidden, 4 * hidden}, {1344, 4 * hidden, hidden}, {2048, 2048, 2048}};
        double best = 0;
        StringBuilder line = new StringBuilder(label);
        for (int[] s : shapes) {
            double gflops = rate.at(s[0], s[1], s[2]);
            best = Math.max(best, gflops);
            line.append(String.format(Locale.ROOT, " %dx%dx%d=%.1f", s[0], s[1], s[2], gflops));
        }
        System.out.printf(Locale.ROOT, "%s GFLOP/s; peak=%.1f GFLOP/s (float32, %s)%n", line, best, engine);
        return best;
    }

    /** 5 warm-up products, then the rate over 12. */
    static double gflops(int rows, int inner, int cols, Product once) throws Exception {
        for (int i = 0; i < 5; i++) once.run();
        int reps = 12;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) once.run();
        return 2.0 * rows * inner * cols * reps / (System.nanoTime() - t0);
    }

    static Shape shapeOf(String name, int h, int w, int inter) {
        if (name.equals("frame_seg")) return new Shape(w);
        if (name.startsWith("query_proj")) return name.endsWith("weight") ? new Shape(h, w) : new Shape(h);
        if (name.startsWith("vision_proj")) return name.endsWith("weight") ? new Shape(w, h) : new Shape(w);
        if (name.endsWith("word_embeddings.weight")) return new Shape(128, h);
        if (name.endsWith("position_embeddings.weight")) return new Shape(512, h);
        if (name.endsWith(".bias") && name.contains("intermediate")) return new Shape(inter);
        if (name.endsWith(".bias") || name.contains("LayerNorm")) return new Shape(h);
        if (name.contains("crossattention.self.key") || name.contains("crossattention.self.value")) return new Shape(h, w);
        if (name.contains("intermediate")) return new Shape(inter, h);
        if (name.matches(".*\\.output(_query)?\\.dense\\.weight") && !name.contains("attention")) return new Shape(h, inter);
        return new Shape(h, h);
    }
}
