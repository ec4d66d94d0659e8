package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Pair;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.longvqa.runtime.SafetensorsWriter;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The Q-Former compressor on both engines the product ships, side by side in one JVM at TDC's
 * shapes, no Python: a random-weight checkpoint at those shapes (written once to
 * {@code $TMPDIR/longvqa-qformer-*.safetensors}, like a real checkpoint) loaded by
 * {@link QFormerCompressor} (DJL/libtorch 2.7.1) and by {@link OrtQFormerCompressor} (ONNX Runtime,
 * the graph {@link QFormerOnnx} builds in Java), each timed through {@code compress()} as
 * {@code ContextBuilder} calls it (NDArrays in and out, copies included). Optionally a third
 * column: ONNX Runtime on the reference's plain cross-attention exported by
 * {@code bench/tdc/onnx_export.py} (needs Debian's python3-torch).
 *
 * <p>ONNX Runtime runs as shipped (one lane of one thread per processor the JVM may use, the batch
 * split between the lanes) and, on a machine with more than one processor, as it ran before the
 * lanes (the whole batch through one session with an intra-op pool of that many threads) and on
 * one thread. Each rate is a share of libtorch's float32 GEMM
 * peak and of ONNX Runtime's at the same thread count, all measured in the same run (the
 * Q-Former's FFN shapes and 2048³, before and after, best kept), with each form's own FLOPs
 * ({@link QFormerCost}). Rounds alternate the engines
 * and keep each one's best, so a load spike on a shared machine does not land on one engine only;
 * the load average is printed before and after. Not a test: it asserts nothing (parity is
 * {@code OrtQFormerCompressorTest} and {@code OrtQFormerParityTest}).
 * <pre>args: hidden heads layers width keys k text batch [plain.onnx]; -Drounds=3</pre>
 */
public final class OrtQFormerBench {
    static final long PAUSE_MS = Long.getLong("pause.ms", 1000);

    public static void main(String[] a) throws Exception {
        int hidden = Integer.parseInt(a[0]), heads = Integer.parseInt(a[1]), layers = Integer.parseInt(a[2]);
        int width = Integer.parseInt(a[3]), keys = Integer.parseInt(a[4]), k = Integer.parseInt(a[5]);
        int text = Integer.parseInt(a[6]), batch = Integer.parseInt(a[7]);
        String plainModel = a.length > 8 ? a[8] : null;
        int rounds = Integer.getInteger("rounds", 3);
        String loadBefore = loadAverage();
        Path checkpoint = checkpoint(hidden, heads, layers, width);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] idv = new long[text];
        for (int i = 0; i < text; i++) idv[i] = i == 0 ? 101 : i == text - 1 ? 102 : 3 + (i * 37) % 120;
        float[] v = new float[batch * keys * width];
        Random rnd = new Random(1);
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        long[] shape = {batch, keys, width};
        int cores = Runtime.getRuntime().availableProcessors();
        int[] threadCounts = cores > 1 ? new int[]{cores, 1} : new int[]{1};
        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, Integer> threadsOf = new LinkedHashMap<>();
        Map<Integer, Double> ortPeak = new LinkedHashMap<>();
        double torchPeak;
        List<OrtQFormerCompressor> orts = new java.util.ArrayList<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             TdcWeights w = TdcWeights.open(checkpoint);
             OrtSession.SessionOptions o = dev.longvqa.runtime.OrtSessions.options(cores);
             OrtSession plain = plainModel == null ? null : env.createSession(plainModel, o)) {
            torchPeak = TdcBench.gemmPeak(m, hidden);
            for (int t : threadCounts) ortPeak.put(t, ortGemmPeak(env, hidden, t));
            long t0 = System.nanoTime();
            QFormerCompressor djl = QFormerCompressor.load(w, "model.", k, heads, m);
            long t1 = System.nanoTime();
            for (int t : threadCounts) orts.add(OrtQFormerCompressor.load(w, "model.", k, heads, m, false, t));
            if (cores > 1) orts.add(OrtQFormerCompressor.load(w, "model.", k, heads, m, false, 1, cores));
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "loaded from %s: djl %.1f s, onnxruntime (graph built in Java + session) %.1f s each%n",
                    checkpoint.getFileName(), (t1 - t0) / 1e9, (t2 - t1) / 1e9 / threadCounts.length);
            NDArray st = m.create(v, new Shape(shape)), fr = m.create(v, new Shape(shape)), ids = m.create(idv, new Shape(1, text));
            Map<String, TdcBench.Product> engines = new LinkedHashMap<>();
            engines.put("djl absorbed", () -> { try (NDArray r = djl.compress(st, fr, ids)) { r.toFloatArray(); } });
            threadsOf.put("djl absorbed", cores);
            for (int i = 0; i < orts.size(); i++) {
                OrtQFormerCompressor ort = orts.get(i);
                int t = i < threadCounts.length ? threadCounts[i] : cores;
                String name = "onnxruntime absorbed (Java-built graph)" + (i >= threadCounts.length ? ", one " + cores + "-thread pool (before lanes)"
                        : t == cores ? ", " + cores + " lanes, as shipped" : ", 1 thread");
                engines.put(name, () -> { try (NDArray r = ort.compress(st, fr, ids)) { r.toFloatArray(); } });
                threadsOf.put(name, t);
            }
            if (plain != null) {
                OnnxTensor ost = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
                OnnxTensor oid = OnnxTensor.createTensor(env, LongBuffer.wrap(idv), new long[]{1, text});
                Map<String, OnnxTensor> in = Map.of("statics", ost, "frames", ost, "ids", oid);
                engines.put("onnxruntime plain (python export)", () -> { try (OrtSession.Result r = plain.run(in)) { ((OnnxTensor) r.get(0)).getFloatBuffer(); } });
                threadsOf.put("onnxruntime plain (python export)", cores);
            }
            for (TdcBench.Product r : engines.values()) r.run(); // warm-up
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, TdcBench.Product> e : engines.entrySet()) {
                    // The product runs one engine; here the previous engine's idle workers (libtorch's
                    // OpenMP, another ORT pool) may still spin on the cores: let them go to sleep first.
                    Thread.sleep(PAUSE_MS);
                    long s = System.nanoTime();
                    e.getValue().run();
                    best.merge(e.getKey(), (System.nanoTime() - s) / 1e6 / batch, Math::min);
                }
            }
            torchPeak = Math.max(torchPeak, TdcBench.gemmPeak(m, hidden));
            for (int t : threadCounts) ortPeak.merge(t, ortGemmPeak(env, hidden, t), Math::max);
        } finally {
            orts.forEach(OrtQFormerCompressor::close);
        }
        double absorbedGf = 2e-9 * new QFormerCost(hidden, heads, layers, 2, width, keys, k, text, true).totalMacs();
        double plainGf = 2e-9 * new QFormerCost(hidden, heads, layers, 2, width, keys, k, text, false).totalMacs();
        double djl = best.get("djl absorbed");
        StringBuilder peaks = new StringBuilder();
        ortPeak.forEach((t, p) -> peaks.append(String.format(Locale.ROOT, ", onnxruntime %d thread%s %.1f", t, t == 1 ? "" : "s", p)));
        System.out.printf(Locale.ROOT, "engines side by side: batch=%d, text=%d, best of %d alternating rounds; GEMM peak libtorch (%d threads) %.1f%s GFLOP/s; "
                + "load average before %s, after %s%n", batch, text, rounds, cores, torchPeak, peaks, loadBefore, loadAverage());
        System.out.println("| engine | threads | ms / frame | GFLOP / frame | GFLOP/s | share of libtorch peak | share of ORT peak (same threads) | time vs DJL |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, Double> e : best.entrySet()) {
            double gf = e.getKey().contains("plain") ? plainGf : absorbedGf, rate = gf / e.getValue() * 1e3;
            int t = threadsOf.get(e.getKey());
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.1f | %.2f | %.2f | %.2f |%n", e.getKey(), t, e.getValue(), gf, rate,
                    rate / torchPeak, rate / ortPeak.getOrDefault(t, Double.NaN), e.getValue() / djl);
        }
    }

    /**
     * A random checkpoint at these shapes under the real tensor names (std 0.02 like a trained
     * BERT, LayerNorm gains near 1), written once per shape and reused: ≈ 0.8 GB at TDC-Qwen2-7B's.
     */
    static Path checkpoint(int hidden, int heads, int layers, int width) throws IOException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "longvqa-qformer-" + hidden + "x" + heads + "x" + layers + "x" + width + ".safetensors");
        if (Files.isRegularFile(file)) return file;
        QFormer q = QFormer.create(new QFormer.Config(layers, heads, 1e-12f), 2);
        QFormerCompressor c = QFormerCompressor.create(q, 1);
        Random rnd = new Random(7);
        SafetensorsWriter out = new SafetensorsWriter();
        for (var params : List.of(q.getDirectParameters(), c.getDirectParameters())) {
            for (Pair<String, ai.djl.nn.Parameter> p : params) {
                String name = p.getKey();
                Shape s = TdcBench.shapeOf(name, hidden, width, 4 * hidden);
                float[] val = new float[Math.toIntExact(s.size())];
                boolean ln = name.contains("LayerNorm"), gain = ln && name.endsWith("weight");
                for (int i = 0; i < val.length; i++) val[i] = (float) ((gain ? 1 : 0) + rnd.nextGaussian() * (ln ? 0.1 : 0.02));
                out.put("model." + name, s.getShape(), val);
            }
        }
        Path tmp = Files.createTempFile(file.getParent(), "longvqa-qformer-", ".part");
        out.write(tmp);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** One MatMul of two float32 inputs, every dimension dynamic: ONNX Runtime's own GEMM (MLAS). */
    static byte[] gemmModel() {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("gemm")
                .addInput(QFormerOnnx.valueInfo("a", OnnxMl.TensorProto.DataType.FLOAT, "m", "k"))
                .addInput(QFormerOnnx.valueInfo("b", OnnxMl.TensorProto.DataType.FLOAT, "k", "n"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("a").addInput("b").addOutput("c"))
                .addOutput(QFormerOnnx.valueInfo("c", OnnxMl.TensorProto.DataType.FLOAT, "m", "n")).build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(QFormerOnnx.IR_VERSION).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(QFormerOnnx.OPSET)).build().toByteArray();
    }

    /**
     * ORT's MatMul at the same shapes as {@link TdcBench#gemmPeak} on {@code threads} intra-op
     * threads: its own MLAS kernels' rate, the better of two forms per shape: both operands as
     * inputs, and the weight as a constant initializer, which ONNX Runtime prepacks as it does the
     * Q-Former's weights (without it the "peak" could understate what the model's GEMMs reach).
     */
    static double ortGemmPeak(OrtEnvironment env, int hidden, int threads) throws Exception {
        Random rnd = new Random(2);
        return TdcBench.gemmPeak("ort gemm", "onnxruntime " + env.getVersion() + ", " + threads + " thread" + (threads == 1 ? "" : "s")
                + ", best of input and prepacked weight", hidden, (rows, inner, cols) -> {
            float[] x = new float[rows * inner], w = new float[inner * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
            try (OnnxTensor tx = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[]{rows, inner});
                 OnnxTensor tw = OnnxTensor.createTensor(env, FloatBuffer.wrap(w), new long[]{inner, cols});
                 OrtSession.SessionOptions o = dev.longvqa.runtime.OrtSessions.options(threads);
                 OrtSession dynamic = env.createSession(gemmModel(), o);
                 OrtSession packed = env.createSession(gemmModel(w, inner, cols), o)) {
                Map<String, OnnxTensor> in = Map.of("a", tx, "b", tw), a = Map.of("a", tx);
                return Math.max(TdcBench.gflops(rows, inner, cols, () -> dynamic.run(in).close()),
                        TdcBench.gflops(rows, inner, cols, () -> packed.run(a).close()));
            }
        });
    }

    /** {@code a · W} with W a constant (inner × cols) initializer. */
    static byte[] gemmModel(float[] w, int inner, int cols) {
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(w.length * Float.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(w);
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("gemm_packed")
                .addInput(QFormerOnnx.valueInfo("a", OnnxMl.TensorProto.DataType.FLOAT, "m", inner))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .addDims(inner).addDims(cols).setRawData(com.google.protobuf.ByteString.copyFrom(raw.array())))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("a").addInput("w").addOutput("c"))
                .addOutput(QFormerOnnx.valueInfo("c", OnnxMl.TensorProto.DataType.FLOAT, "m", cols)).build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(QFormerOnnx.IR_VERSION).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(QFormerOnnx.OPSET)).build().toByteArray();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
