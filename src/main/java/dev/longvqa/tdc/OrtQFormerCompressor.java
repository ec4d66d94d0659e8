package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.longvqa.runtime.OrtSessions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The Q-Former compressor on ONNX Runtime (CPU, float32): the graph {@link QFormerOnnx} builds
 * from the checkpoint's tensors, loaded once into a session. NDArrays come in, their float32
 * values go to ONNX Runtime, and the result comes back as an NDArray on the caller's manager.
 *
 * <p>Weights are read from the checkpoint straight into the model's bytes (no libtorch copy);
 * once the session is made, only ONNX Runtime's copy stays (float32, ≈ 0.8 GB for TDC-Qwen2-7B's
 * Q-Former). Two graphs: with the question ids (the TDC path always has them) and, built only if
 * asked for at load time, without.
 */
final class OrtQFormerCompressor implements FrameCompressor {
    private final OrtSession withText, withoutText;
    private final NDArray separator;
    private final int k;

    private OrtQFormerCompressor(OrtSession withText, OrtSession withoutText, NDArray separator, int k) {
        this.withText = withText;
        this.withoutText = withoutText;
        this.separator = separator;
        this.k = k;
    }

    /**
     * @param prefix       where the model's tensors start, {@code "model."} for TDC checkpoints
     * @param k            tokens per compressed frame
     * @param heads        Q-Former attention heads
     * @param manager      holds the separator token
     * @param withoutText  also build the graph for calls without question ids
     */
    static OrtQFormerCompressor load(TdcWeights file, String prefix, int k, int heads, NDManager manager, boolean withoutText)
            throws IOException {
        return load(file, prefix, k, heads, manager, withoutText, OrtSessions.threads());
    }

    /** The same on {@code threads} intra-op threads (the benchmarks compare thread counts). */
    static OrtQFormerCompressor load(TdcWeights file, String prefix, int k, int heads, NDManager manager, boolean withoutText,
                                     int threads) throws IOException {
        OrtSession text = null, bare = null;
        try {
            text = session(QFormerOnnx.build(file, prefix, k, heads, 1e-12f, true), threads);
            if (withoutText) bare = session(QFormerOnnx.build(file, prefix, k, heads, 1e-12f, false), threads);
            NDArray sep = manager.create(file.floats(prefix + "frame_seg"), new Shape(file.shape(prefix + "frame_seg")));
            return new OrtQFormerCompressor(text, bare, sep, k);
        } catch (OrtException e) {
            close(text, bare);
            throw new IOException("ONNX Runtime cannot load the Q-Former built from " + file.path() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            close(text, bare);
            throw e;
        }
    }

    /** The Q-Former for the TDC path (question ids always given). */
    static OrtQFormerCompressor load(TdcWeights file, String prefix, int k, int heads, NDManager manager) throws IOException {
        return load(file, prefix, k, heads, manager, false);
    }

    private static OrtSession session(java.nio.ByteBuffer model, int threads) throws OrtException {
        try (OrtSession.SessionOptions o = OrtSessions.options(threads)) {
            return OrtEnvironment.getEnvironment().createSession(model, o);
        }
    }

    @Override
    public NDArray compress(NDArray statics, NDArray frames, NDArray ids) {
        boolean text = ids != null && ids.getShape().get(1) > 0;
        OrtSession s = text ? withText : withoutText;
        if (s == null) throw new IllegalStateException("this ONNX Runtime Q-Former was loaded for question ids only");
        Shape shape = frames.getShape();
        if (!statics.getShape().equals(shape) || shape.dimension() != 3) {
            throw new IllegalArgumentException("statics " + statics.getShape() + " and frames " + shape + " must be the same (B, T, W)");
        }
        int t = (int) shape.get(1);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            float[] pool = QFormerCompressor.poolWeights(t, k);
            in.put(QFormerOnnx.POOL, OnnxTensor.createTensor(env, FloatBuffer.wrap(pool), new long[]{k, t}));
            in.put(QFormerOnnx.STATICS, OnnxTensor.createTensor(env, direct(statics), shape.getShape()));
            in.put(QFormerOnnx.FRAMES, OnnxTensor.createTensor(env, direct(frames), shape.getShape()));
            if (text) in.put(QFormerOnnx.IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids.toType(DataType.INT64, false).toLongArray()),
                    new long[]{1, ids.getShape().get(1)}));
            try (OrtSession.Result r = s.run(in)) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                FloatBuffer fb = out.getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return frames.getManager().create(v, new Shape(out.getInfo().getShape()));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime Q-Former failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The float32 values of {@code a} in a direct native-order buffer, which ONNX Runtime reads in
     * place: libtorch's own memory when DJL can share it (a contiguous CPU tensor; {@code a} stays
     * open for the call), else one bulk copy. A heap buffer would make ONNX Runtime copy element by
     * element: measured 0.37 s per (56, 156, 3584) input, a third of the Q-Former's time per batch.
     */
    private static FloatBuffer direct(NDArray a) {
        NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        ByteBuffer shared = f.toByteBuffer(true);
        if (shared.isDirect() && shared.order() == ByteOrder.nativeOrder()) return shared.asFloatBuffer();
        float[] v = f.toFloatArray();
        FloatBuffer b = ByteBuffer.allocateDirect(v.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return b.put(v).flip();
    }

    @Override
    public int queryTokens() {
        return k;
    }

    @Override
    public NDArray separator() {
        return separator;
    }

    @Override
    public DataType computeType() {
        return DataType.FLOAT32;
    }

    @Override
    public TdcEngine engine() {
        return TdcEngine.ONNXRUNTIME;
    }

    @Override
    public void close() {
        close(withText, withoutText);
    }

    private static void close(OrtSession... sessions) {
        for (OrtSession s : sessions) {
            if (s == null) continue;
            try {
                s.close();
            } catch (OrtException e) {
                // nothing left to free that the process could use
            }
        }
    }
}
