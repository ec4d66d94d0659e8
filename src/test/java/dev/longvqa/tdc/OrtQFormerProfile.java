package dev.longvqa.tdc;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.Json;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Where the ONNX Runtime engine's time goes ({@link QFormerProfile} does this for DJL): the graph
 * {@link QFormerOnnx} builds, run with ONNX Runtime's own profiler (after its graph optimisations,
 * so the rows are the fused kernels that really run), the last run's kernel times summed per GEMM
 * shape and per other op type, each GEMM with its FLOPs and its rate as a share of ONNX Runtime's
 * GEMM peak measured in the same run. Not a test.
 * <pre>args: hidden heads layers width keys k text batch; -Dthreads=N intra-op threads (default: the processors; the shipped engine runs one lane per processor on 1 thread each, which -Dthreads=1 profiles)</pre>
 */
public final class OrtQFormerProfile {
    public static void main(String[] a) throws Exception {
        int hidden = Integer.parseInt(a[0]), heads = Integer.parseInt(a[1]), layers = Integer.parseInt(a[2]);
        int width = Integer.parseInt(a[3]), keys = Integer.parseInt(a[4]), k = Integer.parseInt(a[5]);
        int text = Integer.parseInt(a[6]), batch = Integer.parseInt(a[7]);
        Path checkpoint = OrtQFormerBench.checkpoint(hidden, heads, layers, width);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        java.nio.ByteBuffer model;
        try (TdcWeights w = TdcWeights.open(checkpoint)) {
            model = QFormerOnnx.build(w, "model.", k, heads, 1e-12f, true);
        }
        Path prefix = Files.createTempDirectory("longvqa-ort-profile").resolve("qformer");
        int threads = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());
        double peak = OrtQFormerBench.ortGemmPeak(env, hidden, threads);
        String trace;
        try (OrtSession.SessionOptions o = dev.longvqa.runtime.OrtSessions.options(threads)) {
            o.enableProfiling(prefix.toString());
            try (OrtSession s = env.createSession(model, o)) {
                Random rnd = new Random(1);
                float[] v = new float[batch * keys * width];
                for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
                long[] ids = new long[text];
                for (int i = 0; i < text; i++) ids[i] = 3 + i;
                long[] shape = {batch, keys, width};
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put(QFormerOnnx.POOL, OnnxTensor.createTensor(env, FloatBuffer.wrap(QFormerCompressor.poolWeights(keys, k)), new long[]{k, keys}));
                in.put(QFormerOnnx.STATICS, OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape));
                in.put(QFormerOnnx.FRAMES, OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape));
                in.put(QFormerOnnx.IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{1, text}));
                for (int r = 0; r < 3; r++) s.run(in).close();
                trace = s.endProfiling();
                in.values().forEach(OnnxTensor::close);
            }
        }
        peak = Math.max(peak, OrtQFormerBench.ortGemmPeak(env, hidden, threads)); // again after: the higher one, never a depressed peak
        JsonNode events = Json.mapper().readTree(Path.of(trace).toFile());
        long from = 0, to = 0;
        for (JsonNode e : events) { // the last model_run: warm caches, its own allocations done
            if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
                from = e.get("ts").asLong();
                to = from + e.get("dur").asLong();
            }
        }
        record Row(String what, double flops, long micros, int count) {}
        Map<String, Row> rows = new LinkedHashMap<>();
        long total = 0;
        for (JsonNode e : events) {
            long ts = e.path("ts").asLong();
            if (!"Node".equals(e.path("cat").asText()) || !e.path("name").asText().endsWith("_kernel_time") || ts < from || ts > to) continue;
            String op = e.path("args").path("op_name").asText();
            long dur = e.get("dur").asLong();
            total += dur;
            double flops = 0;
            String key = op;
            if (op.equals("MatMul") || op.equals("FusedMatMul") || op.equals("Gemm")) {
                List<long[]> ins = shapes(e.path("args").path("input_type_shape"));
                long[] out = shapes(e.path("args").path("output_type_shape")).getFirst();
                // a constant weight (prepacked initializer) is not listed: then x · W with W's rows = x's last dim
                long[] x = ins.get(0), y = ins.size() > 1 ? ins.get(1) : null;
                long inner = y == null || y.length >= 2 && (y[y.length - 2] == x[x.length - 1] || y[y.length - 1] == x[x.length - 1])
                        ? x[x.length - 1] : x[x.length - 2];
                long outs = 1;
                for (long d : out) outs *= d;
                flops = 2.0 * outs * inner;
                key = op + " " + dims(x) + " · " + (y == null ? "weight" : dims(y)) + " → " + dims(out);
            }
            Row r = rows.getOrDefault(key, new Row(key, 0, 0, 0));
            rows.put(key, new Row(key, r.flops() + flops, r.micros() + dur, r.count() + 1));
        }
        List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort((p, q) -> Long.compare(q.micros(), p.micros()));
        double gflopFrame = 0;
        for (Row r : sorted) gflopFrame += r.flops() / 1e9 / batch;
        double runMs = (to - from) / 1e3 / batch;
        System.out.printf(Locale.ROOT, "onnxruntime profile, %d thread%s, batch=%d: run %.1f ms/frame (kernels %.1f), %.2f GFLOP/frame in GEMMs, %.1f GFLOP/s "
                + "= %.2f of ORT's GEMM peak %.1f (same threads, best of before and after; the profiler's own overhead included)%n",
                threads, threads == 1 ? "" : "s", batch, runMs,
                total / 1e3 / batch, gflopFrame, gflopFrame / runMs * 1e3, gflopFrame / runMs * 1e3 / peak, peak);
        System.out.println("| kernel (after ORT's fusions) | runs | ms / frame | % of kernel time | GFLOP / frame | GFLOP/s | share of ORT GEMM peak |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Row r : sorted) {
            double ms = r.micros() / 1e3 / batch;
            if (r.flops() > 0) {
                double rate = r.flops() / (r.micros() * 1e3);
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.3f | %.1f | %.2f |%n", r.what(), r.count(), ms,
                        100.0 * r.micros() / total, r.flops() / 1e9 / batch, rate, rate / peak);
            } else {
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | — | — | no FLOPs counted |%n", r.what(), r.count(), ms, 100.0 * r.micros() / total);
            }
        }
        Files.deleteIfExists(Path.of(trace));
    }

    private static List<long[]> shapes(JsonNode list) {
        List<long[]> out = new ArrayList<>();
        for (JsonNode one : list) {
            JsonNode dims = one.elements().next();
            long[] d = new long[dims.size()];
            for (int i = 0; i < d.length; i++) d[i] = dims.get(i).asLong();
            out.add(d);
        }
        return out;
    }

    private static String dims(long[] d) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < d.length; i++) b.append(i == 0 ? "" : ",").append(d[i]);
        return b.append(')').toString();
    }
}
