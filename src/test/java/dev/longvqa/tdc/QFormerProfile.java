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
 * with its multiply-adds, its rate and its share of the GEMM peak measured in the same run, and
 * its share of the whole forward. Not a test: it asserts nothing.
 * <pre>args: batch (56) width (3584) keys (156); -Dtext=8</pre>
 */
public final class QFormerProfile {
    private static double peak;
    private static double totalMs;
    private static final StringBuilder ROWS = new StringBuilder();

    public static void main(String[] args) {
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
            op("  of which GELU on (B*16, 3072)", layers, 0, b,
                    () -> Activation.gelu(m.randomNormal(new Shape(b * k, inter))));
            System.out.print(ROWS);
            System.out.printf(Locale.ROOT, "sum of ops %.1f ms/frame; GEMM peak %.1f GFLOP/s%n", totalMs, peak);
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
        double gflops = macsPerLayer > 0 ? 2 * macsPerLayer / (msLayer * 1e6) : 0;
        totalMs += ms;
        ROWS.append(String.format(Locale.ROOT, "  %-44s %7.2f ms/frame  %6.1f GFLOP/s  %s%n", name, ms, gflops,
                macsPerLayer > 0 ? String.format(Locale.ROOT, "%.2f of peak", gflops / peak) : "(no FLOPs: memory/elementwise)"));
    }
}
