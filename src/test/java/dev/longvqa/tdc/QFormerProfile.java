package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where the Q-Former's time goes on the CPU, op by op, at TDC's shapes (bench/tdc/run.sh prints it
 * after TdcBench): every operation {@link QFormer} runs, in isolation on arrays of its real shape,
 * with its FLOPs per frame, its time, its share of the summed ops, its rate and that rate's share
 * of the GEMM peak measured in the same run (best of before and after), then the whole forward
 * measured at the same batch. Not a test: it asserts nothing.
 * <pre>args: batch (56) width (3584) keys (156); -Dtext=8</pre>
 */
public final class QFormerProfile {
    private static double peak;
    private static double totalMs;
    private record Row(String name, double gflop, double ms) {}

    private static final java.util.List<Row> ROWS = new java.util.ArrayList<>();

    public static void main(String[] args) throws Exception {
        int b = args.length > 0 ? Integer.parseInt(args[0]) : 56;
        int w = args.length > 1 ? Integer.parseInt(args[1]) : 3584;
        int t = args.length > 2 ? Integer.parseInt(args[2]) : 156;
        int l = Integer.getInteger("text", 8), k = 16, h = 768, heads = 12, d = 64, inter = 3072;
        int layers = 12, crossLayers = 6, textFfnLayers = 11;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            peak = TdcBench.gemmPeak(m, h);
            NDArray x24 = m.randomNormal(new Shape(b, k + l, h)), x16 = m.randomNormal(new Shape(b, k, h));
            NDArray x8 = m.randomNormal(new Shape(b, l, h));
            NDArray wh = m.randomNormal(new Shape(h, h)), bh = m.randomNormal(new Shape(h));
            NDArray wi = m.randomNormal(new Shape(inter, h)), bi = m.randomNormal(new Shape(inter));
            NDArray wo = m.randomNormal(new Shape(h, inter)), g = m.ones(new Shape(h)), be = m.zeros(new Shape(h));
            NDArray frames = m.randomNormal(new Shape(b, t, w));
            NDArray wk = m.randomNormal(new Shape(heads, d, w)), wv = m.randomNormal(new Shape(heads, w, d));
            System.out.printf(Locale.ROOT, "per-op profile: batch=%d width=%d keys=%d text=%d (times: ms per frame, summed over the layers that run the op)%n", b, w, t, l);
            // self-attention, 12 layers, 24 positions
            op("self-attn q/k/v/out projections", 4 * layers, 1.0 * b * (k + l) * h * h, b,
                    () -> Linear.linear(x24, wh, bh).singletonOrThrow());
            NDArray q4 = x24.reshape(b, k + l, heads, d).transpose(0, 2, 1, 3);
            op("self-attn scores+context (24x24, d=64)", layers, 2.0 * b * heads * (k + l) * (k + l) * d, b,
                    () -> q4.matMul(q4.transpose(0, 1, 3, 2)).softmax(-1).matMul(q4));
            op("self-attn head split/merge copies", layers, 0, b,
                    () -> x24.reshape(b, k + l, heads, d).transpose(0, 2, 1, 3).transpose(0, 2, 1, 3).reshape(b, k + l, h));
            op("layer norm + residual (x3 per layer)", 3 * layers, 0, b,
                    () -> LayerNorm.layerNorm(x24.add(x24), new Shape(h), g, be, 1e-12f).singletonOrThrow());
            // absorbed cross-attention, 6 layers, 16 queries
            op("cross q + out projections", 2 * crossLayers, 1.0 * b * k * h * h, b,
                    () -> Linear.linear(x16, wh, bh).singletonOrThrow());
            NDArray qh = x16.reshape(b * k, heads, d).transpose(1, 0, 2);
            op("cross q·Wk (inner dim 64)", crossLayers, 1.0 * heads * b * k * d * w, b, () -> qh.matMul(wk));
            NDArray qk = qh.matMul(wk);
            op("cross (H,BK,W)->(B,HK,W) copy", crossLayers, 0, b,
                    () -> qk.reshape(heads, b, k, w).transpose(1, 0, 2, 3).reshape(b, heads * k, w));
            NDArray per = qk.reshape(heads, b, k, w).transpose(1, 0, 2, 3).reshape(b, heads * k, w);
            op("cross scores per frame (inner W)", crossLayers, 1.0 * b * heads * k * w * t, b,
                    () -> per.matMul(frames.transpose(0, 2, 1)));
            NDArray sc = per.matMul(frames.transpose(0, 2, 1));
            op("cross softmax (B,192,T)", crossLayers, 0, b, () -> sc.softmax(-1));
            op("cross p·X (inner T)", crossLayers, 1.0 * b * heads * k * t * w, b, () -> sc.matMul(frames));
            NDArray px = sc.matMul(frames);
            op("cross (B,HK,W)->(H,BK,W) copy", crossLayers, 0, b,
                    () -> px.reshape(b, heads, k, w).transpose(1, 0, 2, 3).reshape(heads, b * k, w));
            NDArray pxh = px.reshape(b, heads, k, w).transpose(1, 0, 2, 3).reshape(heads, b * k, w);
            op("cross ·Wv (out dim 64)", crossLayers, 1.0 * heads * b * k * w * d, b, () -> pxh.matMul(wv));
            // feed-forwards
            op("query FFN 768->3072->768 (16 rows/frame)", layers, 2.0 * b * k * h * inter, b,
                    () -> Linear.linear(Activation.gelu(Linear.linear(x16, wi, bi).singletonOrThrow()), wo, bh).singletonOrThrow());
            op("text FFN (8 rows/frame)", textFfnLayers, 2.0 * b * l * h * inter, b,
                    () -> Linear.linear(Activation.gelu(Linear.linear(x8, wi, bi).singletonOrThrow()), wo, bh).singletonOrThrow());
            NDArray hidden16 = m.randomNormal(new Shape(b * k, inter));
            op("  of which GELU on (B*16, 3072)", layers, 0, b, () -> Activation.gelu(hidden16));
            // once per frame: pooled static tokens -> query_proj, and vision_proj back to the LLM width
            NDArray wq = m.randomNormal(new Shape(h, w)), bq = m.randomNormal(new Shape(h));
            NDArray wvp = m.randomNormal(new Shape(w, h)), bvp = m.randomNormal(new Shape(w));
            NDArray pooled = m.randomNormal(new Shape(b, k, w));
            op("query_proj + vision_proj (16 rows/frame)", 1, 2.0 * b * k * h * w, b,
                    () -> Linear.linear(Linear.linear(pooled, wq, bq).singletonOrThrow(), wvp, bvp).singletonOrThrow());
            // The whole forward at the same batch (random weights), to check the rows account for it.
            QFormer q = QFormer.create(new QFormer.Config(layers, heads, 1e-12f), 2);
            QFormerCompressor c = QFormerCompressor.create(q, k);
            java.util.function.Function<String, NDArray> random = name -> m.randomNormal(0, 0.02f,
                    TdcBench.shapeOf(name, h, w, inter), ai.djl.ndarray.types.DataType.FLOAT32, m.getDevice());
            q.load(random);
            c.load(random);
            long[] idv = new long[l];
            for (int i = 0; i < l; i++) idv[i] = 100 + i;
            NDArray ids = m.create(idv, new Shape(1, l));
            NDArray statics = frames.duplicate(); // compress() scopes each input: two distinct arrays
            for (int i = 0; i < 2; i++) c.compress(statics, frames, ids).close();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) c.compress(statics, frames, ids).close();
            double forwardMs = (System.nanoTime() - t0) / 1e6 / 3 / b;
            double gflop = 2e-9 * new QFormerCost(h, heads, layers, 2, w, t, k, l, true).totalMacs();
            peak = Math.max(peak, TdcBench.gemmPeak(m, h));
            System.out.println("| op group (absorbed cross-attention, as shipped) | GFLOP / frame | ms / frame | % of ops | GFLOP/s | share of GEMM peak |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (Row r : ROWS) {
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.1f | %s | %s |%n", r.name(),
                        r.gflop() > 0 ? String.format(Locale.ROOT, "%.3f", r.gflop()) : "—", r.ms(), 100 * r.ms() / totalMs,
                        r.gflop() > 0 ? String.format(Locale.ROOT, "%.1f", r.gflop() / r.ms() * 1e3) : "—",
                        r.gflop() > 0 ? String.format(Locale.ROOT, "%.2f", r.gflop() / r.ms() * 1e3 / peak) : "no FLOPs");
            }
            double flopMs = ROWS.stream().filter(r -> r.gflop() > 0).mapToDouble(Row::ms).sum();
            double geluMs = ROWS.stream().filter(r -> r.name().startsWith("  of which")).mapToDouble(Row::ms).sum();
            flopMs -= geluMs; // GELU sits inside the FFN rows' time
            System.out.printf(Locale.ROOT, "sum of ops %.1f ms/frame (%.0f %% in ops with FLOPs, %.0f %% in copies/elementwise); "
                            + "whole forward measured %.1f ms/frame = %.2f of the GEMM peak (%.1f GFLOP/s, %.2f GFLOP/frame)%n",
                    totalMs, 100 * flopMs / totalMs, 100 * (totalMs - flopMs) / totalMs, forwardMs, gflop / forwardMs * 1e3 / peak, peak, gflop);
        }
    }

    /** Times {@code f} (one layer's op for the whole batch), scales by the layers that run it. */
    private static void op(String name, int times, double macsPerLayer, int batch, Supplier<NDArray> f) {
        for (int i = 0; i < 3; i++) f.get().close();
        int reps = 8;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) f.get().close();
        double msLayer = (System.nanoTime() - t0) / 1e6 / reps;
        double ms = msLayer * times / batch;
        if (!name.startsWith("  of which")) totalMs += ms; // a part of the row above
        ROWS.add(new Row(name, 2e-9 * macsPerLayer * times / batch, ms));
    }
}
