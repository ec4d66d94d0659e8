package dev.longvqa.tdc;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The Q-Former compressor side by side: ONNX Runtime (CPU, all graph optimisations: its MatMul+Add,
 * GELU and LayerNorm fusions) on the graph bench/tdc/onnx_export.py wrote, and DJL/libtorch (the
 * shipped absorbed form) on the same shapes, in one JVM, each as a share of the GEMM peak measured
 * in the same run (FLOPs of each form from {@link QFormerCost}). Not a test.
 * <pre>args: model.onnx hidden heads layers width keys k text batch</pre>
 */
public final class OrtQFormerBench {
    public static void main(String[] a) throws Exception {
        String model = a[0];
        int hidden = Integer.parseInt(a[1]), heads = Integer.parseInt(a[2]), layers = Integer.parseInt(a[3]);
        int width = Integer.parseInt(a[4]), keys = Integer.parseInt(a[5]), k = Integer.parseInt(a[6]);
        int text = Integer.parseInt(a[7]), batch = Integer.parseInt(a[8]);
        int reps = Integer.getInteger("reps", 2);
        double ortMs, djlMs, peak;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            peak = TdcBench.gemmPeak(m, hidden);
            QFormer q = QFormer.create(new QFormer.Config(layers, heads, 1e-12f), 2);
            QFormerCompressor c = QFormerCompressor.create(q, k);
            java.util.function.Function<String, NDArray> random = name -> m.randomNormal(0, 0.02f,
                    TdcBench.shapeOf(name, hidden, width, 4 * hidden), ai.djl.ndarray.types.DataType.FLOAT32, m.getDevice());
            q.load(random);
            c.load(random);
            NDArray st = m.randomNormal(new Shape(batch, keys, width)), fr = m.randomNormal(new Shape(batch, keys, width));
            long[] idv = new long[text];
            for (int i = 0; i < text; i++) idv[i] = 100 + i;
            NDArray ids = m.create(idv, new Shape(1, text));
            c.compress(st, fr, ids).close();
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) c.compress(st, fr, ids).toFloatArray();
            djlMs = (System.nanoTime() - t0) / 1e6 / reps / batch;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            try (OrtSession s = env.createSession(model, o)) {
                float[] v = new float[batch * keys * width];
                Random rnd = new Random(1);
                for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
                long[] idv = new long[text];
                for (int i = 0; i < text; i++) idv[i] = 100 + i;
                try (OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[]{batch, keys, width});
                     OnnxTensor fr = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[]{batch, keys, width});
                     OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(idv), new long[]{1, text})) {
                    Map<String, OnnxTensor> in = Map.of("statics", st, "frames", fr, "ids", ids);
                    s.run(in).close();
                    long t0 = System.nanoTime();
                    for (int r = 0; r < reps; r++) s.run(in).close();
                    ortMs = (System.nanoTime() - t0) / 1e6 / reps / batch;
                }
            }
        }
        double absorbed = 2e-9 * new QFormerCost(hidden, heads, layers, 2, width, keys, k, text, true).totalMacs();
        double plain = 2e-9 * new QFormerCost(hidden, heads, layers, 2, width, keys, k, text, false).totalMacs();
        System.out.printf(Locale.ROOT, "side by side, batch=%d, GEMM peak %.1f GFLOP/s%n", batch, peak);
        System.out.printf(Locale.ROOT, "  djl absorbed  %8.2f ms/frame  %.2f GFLOP/frame  %.2f of peak%n", djlMs, absorbed, absorbed / djlMs * 1e3 / peak);
        System.out.printf(Locale.ROOT, "  onnxruntime   %8.2f ms/frame  %.2f GFLOP/frame  %.2f of peak (plain cross-attention, as exported)%n",
                ortMs, plain, plain / ortMs * 1e3 / peak);
        System.out.printf(Locale.ROOT, "  time ratio onnxruntime/djl = %.2f%n", ortMs / djlMs);
    }
}
