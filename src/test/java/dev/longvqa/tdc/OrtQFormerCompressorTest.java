package dev.longvqa.tdc;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Pair;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ONNX Runtime engine, its graph built in Java from a checkpoint ({@link QFormerOnnx}), computes
 * what the DJL compressor computes from the same checkpoint: random weights at odd sizes (head size
 * 5, 13 frame tokens, cross-attention in the first and the last layer) written as a safetensors
 * checkpoint, then both engines on the same frames, with and without question ids, at several
 * batch sizes and frame lengths through one session. No Python: bench/tdc/onnx_export.py's export is
 * the independent cross-check ({@code OrtQFormerParityTest}).
 */
class OrtQFormerCompressorTest {
    static final int HIDDEN = 20, HEADS = 4, LAYERS = 3, WIDTH = 14, KEYS = 13, K = 3, TEXT = 7;

    @TempDir
    static Path dir;
    static Path checkpoint;

    @BeforeAll
    static void writeCheckpoint() throws IOException {
        checkpoint = dir.resolve("qformer.safetensors");
        write(checkpoint, true);
    }

    /** Every tensor the compressor declares, random (LayerNorm gains near 1), under {@code model.}. */
    static void write(Path path, boolean complete) throws IOException {
        QFormer q = QFormer.create(new QFormer.Config(LAYERS, HEADS, 1e-12f), 2);
        QFormerCompressor c = QFormerCompressor.create(q, K);
        Random rnd = new Random(5);
        SafetensorsWriter w = new SafetensorsWriter();
        for (var params : java.util.List.of(q.getDirectParameters(), c.getDirectParameters())) {
            for (Pair<String, ai.djl.nn.Parameter> p : params) {
                String name = p.getKey();
                if (!complete && name.endsWith("crossattention.output.dense.bias")) continue;
                Shape s = TdcBench.shapeOf(name, HIDDEN, WIDTH, 4 * HIDDEN);
                float[] v = new float[(int) s.size()];
                boolean gain = name.contains("LayerNorm") && name.endsWith("weight");
                for (int i = 0; i < v.length; i++) v[i] = (float) ((gain ? 1 : 0) + rnd.nextGaussian() * (gain || name.contains("LayerNorm") ? 0.1 : 0.3));
                w.put("model." + name, s.getShape(), v);
            }
        }
        w.write(path);
    }

    @Test
    void onnxRuntimeEqualsDjlWithAndWithoutQuestionIds() throws Exception {
        Random rnd = new Random(17);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch"); TdcWeights w = TdcWeights.open(checkpoint);
             OrtQFormerCompressor ort = OrtQFormerCompressor.load(w, "model.", K, HEADS, m, true)) {
            QFormerCompressor djl = QFormerCompressor.load(w, "model.", K, HEADS, m);
            assertThat(ort.engine()).isEqualTo(TdcEngine.ONNXRUNTIME);
            assertThat(NdArrays.floats(ort.separator())).containsExactly(NdArrays.floats(djl.separator()));
            long[] ids = new long[TEXT];
            for (int i = 0; i < TEXT; i++) ids[i] = 1 + rnd.nextInt(120);
            // batch 5 and 1; 13 frame tokens and 9 (another aspect ratio: T is dynamic)
            for (int[] bt : new int[][]{{5, KEYS}, {1, KEYS}, {4, 9}}) {
                int batch = bt[0], t = bt[1];
                float[] statics = gaussian(rnd, batch * t * WIDTH), frames = gaussian(rnd, batch * t * WIDTH);
                for (boolean withIds : new boolean[]{true, false}) {
                    NDArray st = m.create(statics, new Shape(batch, t, WIDTH)), fr = m.create(frames, new Shape(batch, t, WIDTH));
                    NDArray id = withIds ? m.create(ids, new Shape(1, TEXT)) : null;
                    float[] expected, actual;
                    try (NDArray a = djl.compress(st, fr, id); NDArray b = ort.compress(st, fr, id)) {
                        assertThat(b.getShape()).isEqualTo(new Shape(batch, K, WIDTH));
                        assertThat(b.getManager()).as("on the caller's manager").isSameAs(m);
                        expected = a.toFloatArray();
                        actual = b.toFloatArray();
                    }
                    double maxAbs = NdArrays.maxAbsDiff(expected, actual);
                    assertThat(maxAbs).as("max |ORT - DJL|, batch %d, T %d, ids %s", batch, t, withIds).isLessThan(1e-4);
                    double sq = 0;
                    for (float v : actual) sq += v * (double) v;
                    assertThat(sq).as("every output token has norm 1").isCloseTo(batch * K, org.assertj.core.data.Offset.offset(1e-3));
                    System.out.printf("batch %d, T %d, ids %s: max |ORT - DJL| %.2e%n", batch, t, withIds, maxAbs);
                }
            }
            // Inputs that are views (a transpose: not contiguous in memory) are read in their logical order.
            float[] tv = gaussian(rnd, 3 * KEYS * WIDTH);
            try (NDArray stored = m.create(tv, new Shape(3, WIDTH, KEYS))) {
                NDArray view = stored.transpose(0, 2, 1), copy = m.create(view.toFloatArray(), new Shape(3, KEYS, WIDTH));
                NDArray id = m.create(ids, new Shape(1, TEXT));
                try (NDArray a = ort.compress(view, view, id); NDArray b = djl.compress(copy, copy, id)) {
                    assertThat(NdArrays.maxAbsDiff(a.toFloatArray(), b.toFloatArray())).as("a transposed view").isLessThan(1e-4);
                }
            }
            // The question changes the result: the ids really reach the graph.
            float[] v = gaussian(rnd, 2 * KEYS * WIDTH);
            NDArray st = m.create(v, new Shape(2, KEYS, WIDTH));
            try (NDArray a = ort.compress(st, st, m.create(ids, new Shape(1, TEXT))); NDArray b = ort.compress(st, st, null)) {
                assertThat(NdArrays.maxAbsDiff(a.toFloatArray(), b.toFloatArray())).isGreaterThan(1e-3);
            }
        }
    }

    /**
     * A batch split over lanes (uneven shards, more lanes than frames, one frame) gives what one
     * lane gives for the whole batch, row for row: the shards land in their own rows.
     */
    @Test
    void lanesSplitTheBatchWithoutChangingTheResult() throws Exception {
        Random rnd = new Random(23);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch"); TdcWeights w = TdcWeights.open(checkpoint);
             OrtQFormerCompressor one = OrtQFormerCompressor.load(w, "model.", K, HEADS, m, true, 1);
             OrtQFormerCompressor three = OrtQFormerCompressor.load(w, "model.", K, HEADS, m, true, 3)) {
            long[] ids = new long[TEXT];
            for (int i = 0; i < TEXT; i++) ids[i] = 1 + rnd.nextInt(120);
            for (int batch : new int[]{7, 2, 1}) {
                float[] statics = gaussian(rnd, batch * KEYS * WIDTH), frames = gaussian(rnd, batch * KEYS * WIDTH);
                for (boolean withIds : new boolean[]{true, false}) {
                    NDArray st = m.create(statics, new Shape(batch, KEYS, WIDTH)), fr = m.create(frames, new Shape(batch, KEYS, WIDTH));
                    NDArray id = withIds ? m.create(ids, new Shape(1, TEXT)) : null;
                    try (NDArray a = one.compress(st, fr, id); NDArray b = three.compress(st, fr, id)) {
                        assertThat(b.getShape()).isEqualTo(new Shape(batch, K, WIDTH));
                        float[] whole = a.toFloatArray(), sharded = b.toFloatArray();
                        assertThat(NdArrays.maxAbsDiff(whole, sharded)).as("batch %d, ids %s", batch, withIds).isLessThan(1e-6);
                        // and each row is that frame's own result, not a neighbour's
                        try (NDArray last = one.compress(st.get((batch - 1) + ":"), fr.get((batch - 1) + ":"), id)) {
                            float[] row = last.toFloatArray();
                            assertThat(NdArrays.maxAbsDiff(row, java.util.Arrays.copyOfRange(sharded, sharded.length - row.length, sharded.length)))
                                    .isLessThan(1e-6);
                        }
                    }
                }
            }
        }
        assertThatThrownBy(() -> OrtQFormerCompressor.load(null, "model.", K, HEADS, null, false, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lanes");
    }

    @Test
    void aCheckpointWithoutATensorIsRefusedNamingIt() throws Exception {
        Path broken = dir.resolve("broken.safetensors");
        write(broken, false);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch"); TdcWeights w = TdcWeights.open(broken)) {
            assertThatThrownBy(() -> OrtQFormerCompressor.load(w, "model.", K, HEADS, m))
                    .isInstanceOf(IOException.class).hasMessageContaining("crossattention.output.dense.bias");
        }
    }

    @Test
    void engineSettingParsesResolvesAndRefusesUnknownValues() {
        assertThat(TdcEngine.parse(" ONNXRuntime ", "x")).isEqualTo(TdcEngine.ONNXRUNTIME);
        assertThat(TdcEngine.parse("djl", "x")).isEqualTo(TdcEngine.DJL);
        assertThat(TdcEngine.parse("auto", "x")).isEqualTo(TdcEngine.AUTO);
        assertThatThrownBy(() -> TdcEngine.parse("tensorrt", "--tdc-engine"))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("--tdc-engine").hasMessageContaining("tensorrt").hasMessageContaining(TdcEngine.VALUES);
        Device cpu = Device.cpu(), gpu = Device.gpu();
        assertThat(TdcEngine.AUTO.resolve(cpu, TdcPrecision.AUTO)).as("CPU, float32").isEqualTo(TdcEngine.ONNXRUNTIME);
        assertThat(TdcEngine.AUTO.resolve(gpu, TdcPrecision.AUTO)).as("GPU, bfloat16").isEqualTo(TdcEngine.DJL);
        assertThat(TdcEngine.AUTO.resolve(cpu, TdcPrecision.FLOAT16)).as("half precision asked for").isEqualTo(TdcEngine.DJL);
        assertThat(TdcEngine.DJL.resolve(cpu, TdcPrecision.AUTO)).isEqualTo(TdcEngine.DJL);
        assertThat(TdcEngine.ONNXRUNTIME.resolve(gpu, TdcPrecision.AUTO)).as("float32 on the CPU, whatever the device").isEqualTo(TdcEngine.ONNXRUNTIME);
        assertThatThrownBy(() -> TdcEngine.ONNXRUNTIME.resolve(cpu, TdcPrecision.BFLOAT16))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("float32");
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }
}
