package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.longvqa.RequiredTool;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ONNX Runtime side of the Q-Former bench computes what DJL computes: bench/tdc/onnx_export.py
 * exports the compressor (plain and absorbed cross-attention) with random weights and writes the
 * same weights under the checkpoint's names; {@link QFormerCompressor} loads those and both engines
 * run the same random frames and question ids; so does the graph the product builds in Java
 * ({@link OrtQFormerCompressor}, {@link QFormerOnnx}): three independent ways to one function.
 * Needs Debian's python3-torch (fails under CI=true
 * without it, like the other goldens).
 */
class OrtQFormerParityTest {
    static final int HIDDEN = 32, HEADS = 4, LAYERS = 3, WIDTH = 24, KEYS = 12, K = 3, TEXT = 5, BATCH = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"plain", "absorbed"})
    void onnxRuntimeMatchesDjlWithin1e4(String form) throws Exception {
        RequiredTool.require(RequiredTool.pythonTorch(), "python3 with torch (Debian python3-torch)");
        Path onnx = dir.resolve(form + ".onnx"), weights = dir.resolve(form + ".safetensors");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", Path.of("..").toAbsolutePath().normalize()
                .resolve("bench/tdc/onnx_export.py").toString(), onnx.toString()));
        for (int v : new int[]{HIDDEN, HEADS, LAYERS, WIDTH, KEYS, K, TEXT}) cmd.add(Integer.toString(v));
        if (form.equals("absorbed")) cmd.add("--absorbed");
        cmd.addAll(List.of("--weights", weights.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();

        Random rnd = new Random(11);
        float[] statics = new float[BATCH * KEYS * WIDTH], frames = new float[statics.length];
        for (int i = 0; i < statics.length; i++) {
            statics[i] = (float) rnd.nextGaussian();
            frames[i] = (float) rnd.nextGaussian();
        }
        long[] ids = new long[TEXT];
        for (int i = 0; i < TEXT; i++) ids[i] = 3 + rnd.nextInt(50);
        long[] shape = {BATCH, KEYS, WIDTH};

        float[] djl, javaOnnx;
        try (NDManager m = NDManager.newBaseManager("PyTorch"); TdcWeights w = TdcWeights.open(weights);
             OrtQFormerCompressor built = OrtQFormerCompressor.load(w, "model.", K, HEADS, m)) {
            QFormerCompressor c = QFormerCompressor.load(w, "model.", K, HEADS, m);
            NDArray st = m.create(statics, new Shape(shape)), fr = m.create(frames, new Shape(shape)), id = m.create(ids, new Shape(1, TEXT));
            try (NDArray out = c.compress(st, fr, id); NDArray j = built.compress(st, fr, id)) {
                assertThat(out.getShape()).isEqualTo(new Shape(BATCH, K, WIDTH));
                djl = out.toFloatArray();
                javaOnnx = j.toFloatArray();
            }
        }
        float[] ort;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT); // with its fusions, as benched
            try (OrtSession s = env.createSession(onnx.toString(), o);
                 OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(statics), shape);
                 OnnxTensor fr = OnnxTensor.createTensor(env, FloatBuffer.wrap(frames), shape);
                 OnnxTensor id = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{1, TEXT});
                 OrtSession.Result r = s.run(Map.of("statics", st, "frames", fr, "ids", id))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                assertThat(out.getInfo().getShape()).containsExactly(BATCH, K, WIDTH);
                FloatBuffer fb = out.getFloatBuffer();
                ort = new float[fb.remaining()];
                fb.get(ort);
            }
        }
        double maxAbs = 0, sumSq = 0;
        for (int i = 0; i < djl.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(djl[i] - ort[i]));
            sumSq += djl[i] * (double) djl[i];
        }
        // Rows are L2-normalised: a real output has norm 1 per token, not zeros.
        assertThat(sumSq).isCloseTo(BATCH * K, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(maxAbs).as("max |ORT - DJL| (%s)", form).isLessThan(1e-4);
        // Third way: the graph the product builds in Java (QFormerOnnx, absorbed) against torch's export of either form.
        double javaVsPython = dev.longvqa.runtime.NdArrays.maxAbsDiff(javaOnnx, ort);
        assertThat(javaVsPython).as("max |Java-built ONNX - torch-exported ONNX| (%s)", form).isLessThan(1e-4);
        System.out.printf("ORT %s vs DJL: max abs %.2e; Java-built ONNX vs it: %.2e%n", form, maxAbs, javaVsPython);
    }
}
