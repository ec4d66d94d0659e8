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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Q-Former compressor on ONNX Runtime (CPU, float32): the graph {@link QFormerOnnx} builds
 * from the checkpoint's tensors, loaded once into a session. NDArrays come in, their float32
 * values go to ONNX Runtime, and the result comes back as an NDArray on the caller's manager.
 *
 * <p>Weights are read from the checkpoint straight into the model's bytes (no libtorch copy);
 * once the session is made, only ONNX Runtime's copy stays (float32, ≈ 0.8 GB for TDC-Qwen2-7B's
 * Q-Former). Two graphs: with the question ids (the TDC path always has them) and, built only if
 * asked for at load time, without.
 *
 * <p><b>Lanes, not intra-op threads.</b> Frames are independent, so a batch is split into one
 * contiguous shard per lane and the shards run at the same time on one session whose ONNX Runtime
 * runs each node on the calling thread (intra-op threads = 1). Measured at TDC-Qwen2-7B's shapes
 * (batch 64, 2 cores, bench/tdc/RESULTS.md): 2 lanes 27.1 ms/frame against 29.5 with ONNX Runtime's
 * own 2-thread pool on the whole batch, and 31.5 with 2 lanes on that pool. The pool hands about
 * 500 small GEMMs, transposes and LayerNorms per batch from thread to thread and waits at every
 * node; a lane never waits. The session (and its weights) is shared, so memory does not grow with
 * the lanes; a batch with fewer frames than lanes runs fewer shards.
 */
final class OrtQFormerCompressor implements FrameCompressor {
    private final OrtSession withText, withoutText;
    private final NDArray separator;
    private final int k;
    private final int lanes;
    /** Runs the shards after the first (the caller runs that one); null with one lane. */
    private final ExecutorService laneThreads;

    private OrtQFormerCompressor(OrtSession withText, OrtSession withoutText, NDArray separator, int k, int lanes) {
        this.withText = withText;
        this.withoutText = withoutText;
        this.separator = separator;
        this.k = k;
        this.lanes = lanes;
        this.laneThreads = lanes == 1 ? null : Executors.newFixedThreadPool(lanes - 1, r -> {
            Thread t = new Thread(r, "qformer-lane");
            t.setDaemon(true);
            return t;
        });
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

    /** The same on {@code lanes} lanes, one thread each (the benchmarks compare counts). */
    static OrtQFormerCompressor load(TdcWeights file, String prefix, int k, int heads, NDManager manager, boolean withoutText,
                                     int lanes) throws IOException {
        return load(file, prefix, k, heads, manager, withoutText, lanes, 1);
    }

    /**
     * The same with {@code poolThreads} intra-op threads in the session: the benchmarks' "one
     * ONNX Runtime pool" form (1 lane, the processors' count of threads), which the lanes replaced.
     */
    static OrtQFormerCompressor load(TdcWeights file, String prefix, int k, int heads, NDManager manager, boolean withoutText,
                                     int lanes, int poolThreads) throws IOException {
        if (lanes < 1 || poolThreads < 1) {
            throw new IllegalArgumentException("lanes and threads must be at least 1: " + lanes + ", " + poolThreads);
        }
        OrtSession text = null, bare = null;
        try {
            text = session(QFormerOnnx.build(file, prefix, k, heads, 1e-12f, true), poolThreads);
            if (withoutText) bare = session(QFormerOnnx.build(file, prefix, k, heads, 1e-12f, false), poolThreads);
            NDArray sep = manager.create(file.floats(prefix + "frame_seg"), new Shape(file.shape(prefix + "frame_seg")));
            return new OrtQFormerCompressor(text, bare, sep, k, lanes);
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

    /** As shipped, a session that runs every node on the thread that calls it: the lanes are the parallelism. */
    private static OrtSession session(ByteBuffer model, int threads) throws OrtException {
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
        int batch = Math.toIntExact(shape.get(0)), t = (int) shape.get(1), width = (int) shape.get(2);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor pool = OnnxTensor.createTensor(env, FloatBuffer.wrap(QFormerCompressor.poolWeights(t, k)), new long[]{k, t});
             OnnxTensor idTensor = !text ? null : OnnxTensor.createTensor(env,
                     LongBuffer.wrap(ids.toType(DataType.INT64, false).toLongArray()), new long[]{1, ids.getShape().get(1)})) {
            FloatBuffer st = direct(statics), fr = direct(frames);
            float[] out = new float[Math.multiplyExact(batch, k * width)];
            int shards = Math.max(1, Math.min(lanes, batch));
            List<Callable<Void>> work = new ArrayList<>(shards);
            for (int i = 0, from = 0; i < shards; i++) {
                int rows = batch / shards + (i < batch % shards ? 1 : 0), first = from;
                work.add(() -> {
                    run(s, env, pool, idTensor, rows(st, first, rows, t * width), rows(fr, first, rows, t * width),
                            new long[]{rows, t, width}, out, first * k * width);
                    return null;
                });
                from += rows;
            }
            runAll(work);
            return frames.getManager().create(out, new Shape(batch, k, width));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime Q-Former failed: " + e.getMessage(), e);
        }
    }

    /** One shard: its rows of the inputs through the session, the result into {@code out} at {@code offset}. */
    private static void run(OrtSession s, OrtEnvironment env, OnnxTensor pool, OnnxTensor ids, FloatBuffer statics,
                            FloatBuffer frames, long[] shape, float[] out, int offset) throws OrtException {
        try (OnnxTensor st = OnnxTensor.createTensor(env, statics, shape); OnnxTensor fr = OnnxTensor.createTensor(env, frames, shape)) {
            Map<String, OnnxTensor> in = new HashMap<>(Map.of(QFormerOnnx.STATICS, st, QFormerOnnx.FRAMES, fr, QFormerOnnx.POOL, pool));
            if (ids != null) in.put(QFormerOnnx.IDS, ids);
            try (OrtSession.Result r = s.run(in)) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                fb.get(out, offset, fb.remaining());
            }
        }
    }

    /**
     * Runs the first shard here and the others on the lane threads, and returns once all have
     * ended, with the first failure. An interrupt does not cut the wait short: the inputs the
     * shards share are closed after this returns, and a running shard still reads them (it ends
     * within its share of one batch).
     */
    private void runAll(List<Callable<Void>> work) throws OrtException {
        List<Future<Void>> others = new ArrayList<>();
        for (Callable<Void> w : work.subList(1, work.size())) others.add(laneThreads.submit(w));
        Throwable failure = null;
        try {
            work.get(0).call();
        } catch (Exception e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<Void> f : others) {
            while (true) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (failure == null) failure = e;
                    continue;
                }
                break;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        switch (failure) {
            case null -> { }
            case OrtException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException("ONNX Runtime Q-Former lane failed: " + failure, failure);
        }
    }

    /** Rows {@code [first, first + rows)} of a (B, T, W) buffer, no copy. */
    private static FloatBuffer rows(FloatBuffer all, int first, int rows, int rowSize) {
        return all.slice(first * rowSize, rows * rowSize);
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
        if (laneThreads != null) laneThreads.shutdownNow();
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
