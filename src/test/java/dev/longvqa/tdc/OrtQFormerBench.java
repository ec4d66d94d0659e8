package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The Q-Former compressor side by side in one JVM, TDC's shapes: DJL/libtorch 2.7.1 (the shipped
 * absorbed cross-attention), ONNX Runtime on the reference's plain form and on the absorbed form
 * (bench/tdc/onnx_export.py; CPU, all graph optimisations: MatMul+Add, GELU, LayerNorm fusions).
 * Each engine's rate is a share of BOTH engines' float32 GEMM peak measured in the same run
 * (libtorch's matmul and ORT's MatMul at the Q-Former's FFN shapes and 2048³, before and after,
 * best kept), with each form's own FLOPs ({@link QFormerCost}). Rounds alternate the engines and
 * keep each one's best, so a load spike on a shared machine does not land on one engine only.
 * Not a test: it asserts nothing (parity is {@code OrtQFormerParityTest}).
 * <pre>args: plain.onnx absorbed.onnx gemm.onnx hidden heads layers width keys k text batch; -Drounds=3 -Dort.threads=N</pre>
 */
public final class OrtQFormerBench {
    public static void main(String[] a) throws Exception {
        String plainModel = a[0], absorbedModel = a[1], gemmModel = a[2];
        int hidden = Integer.parseInt(a[3]), heads = Integer.parseInt(a[4]), layers = Integer.parseInt(a[5]);
        int width = Integer.parseInt(a[6]), keys = Integer.parseInt(a[7]), k = Integer.parseInt(a[8]);
        int text = Integer.parseInt(a[9]), batch = Integer.parseInt(a[10]);
        int rounds = Integer.getInteger("rounds", 3);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] idv = new long[text];
        for (int i = 0; i < text; i++) idv[i] = 3 + i; // within any vocabulary the export uses
        float[] v = new float[batch * keys * width];
        Random rnd = new Random(1);
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        long[] shape = {batch, keys, width};
        Map<String, Double> best = new LinkedHashMap<>();
        double torchPeak, ortPeak;
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             OrtSession.SessionOptions o = options();
             OrtSession gemm = env.createSession(gemmModel, o);
             OrtSession plain = env.createSession(plainModel, o);
             OrtSession absorbed = env.createSession(absorbedModel, o);
             OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
             OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(idv), new long[]{1, text})) {
            torchPeak = TdcBench.gemmPeak(m, hidden);
            ortPeak = ortGemmPeak(env, gemm, hidden);
            QFormer q = QFormer.create(new QFormer.Config(layers, heads, 1e-12f), 2);
            QFormerCompressor c = QFormerCompressor.create(q, k);
            java.util.function.Function<String, NDArray> random = name -> m.randomNormal(0, 0.02f,
                    TdcBench.shapeOf(name, hidden, width, 4 * hidden), DataType.FLOAT32, m.getDevice());
            q.load(random);
            c.load(random);
            NDArray dst = m.create(v, new Shape(shape)), dfr = m.create(v, new Shape(shape)); // compress() scopes each input
            NDArray did = m.create(idv, new Shape(1, text));
            Map<String, OnnxTensor> in = Map.of("statics", st, "frames", st, "ids", ids);
            Map<String, TdcBench.Product> engines = new LinkedHashMap<>();
            engines.put("djl absorbed", () -> { try (NDArray r = c.compress(dst, dfr, did)) { r.toFloatArray(); } });
            // Both sides copy the result into Java memory, as the compressor's callers do.
            engines.put("onnxruntime plain", () -> { try (OrtSession.Result r = plain.run(in)) { ((OnnxTensor) r.get(0)).getFloatBuffer(); } });
            engines.put("onnxruntime absorbed", () -> { try (OrtSession.Result r = absorbed.run(in)) { ((OnnxTensor) r.get(0)).getFloatBuffer(); } });
            for (TdcBench.Product r : engines.values()) r.run(); // warm-up
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, TdcBench.Product> e : engines.entrySet()) {
                    long t0 = System.nanoTime();
                    e.getValue().run();
                    double ms = (System.nanoTime() - t0) / 1e6 / batch;
                    best.merge(e.getKey(), ms, Math::min);
                }
            }
            torchPeak = Math.max(torchPeak, TdcBench.gemmPeak(m, hidden));
            ortPeak = Math.max(ortPeak, ortGemmPeak(env, gemm, hidden));
        }
        double absorbedGf = 2e-9 * new QFormerCost(hidden, heads, layers, 2, width, keys, k, text, true).totalMacs();
        double plainGf = 2e-9 * new QFormerCost(hidden, heads, layers, 2, width, keys, k, text, false).totalMacs();
        double djl = best.get("djl absorbed");
        System.out.printf(Locale.ROOT, "side by side, batch=%d, best of %d alternating rounds; GEMM peak libtorch %.1f, onnxruntime %.1f GFLOP/s%n",
                batch, rounds, torchPeak, ortPeak);
        System.out.println("| engine | ms / frame | GFLOP / frame | GFLOP/s | share of libtorch peak | share of ORT peak | time vs DJL |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, Double> e : best.entrySet()) {
            double gf = e.getKey().endsWith("plain") ? plainGf : absorbedGf, rate = gf / e.getValue() * 1e3;
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.2f | %.2f | %.2f |%n", e.getKey(), e.getValue(), gf, rate,
                    rate / torchPeak, rate / ortPeak, e.getValue() / djl);
        }
    }

    private static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // -Dort.threads=1 with OMP_NUM_THREADS=1 (libtorch): both engines on one thread, no spin-waiting.
        o.setIntraOpNumThreads(Integer.getInteger("ort.threads", Runtime.getRuntime().availableProcessors()));
        return o;
    }

    /** ORT's MatMul at the same shapes as {@link TdcBench#gemmPeak}: its own MLAS kernels' rate. */
    static double ortGemmPeak(OrtEnvironment env, OrtSession s, int hidden) throws Exception {
        Random rnd = new Random(2);
        return TdcBench.gemmPeak("ort gemm", "onnxruntime", hidden, (rows, inner, cols) -> {
            float[] x = new float[rows * inner], w = new float[inner * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
            try (OnnxTensor tx = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[]{rows, inner});
                 OnnxTensor tw = OnnxTensor.createTensor(env, FloatBuffer.wrap(w), new long[]{inner, cols})) {
                Map<String, OnnxTensor> in = Map.of("a", tx, "b", tw);
                return TdcBench.gflops(rows, inner, cols, () -> s.run(in).close());
            }
        });
    }
}
