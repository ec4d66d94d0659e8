package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.IOException;

/**
 * TDC's temporal compressor: each non-static frame of a chunk becomes K tokens. The queries are
 * the chunk's static frame average-pooled to K tokens ({@code query_type Avg_pool}) through
 * {@code query_proj}; the Q-Former reads them with the question's BERT ids, attends to the frame's
 * tokens, and {@code vision_proj} + L2 normalisation bring the K outputs back to the LLM width.
 * Rows of a batch are independent, so frames of many chunks go through in one call.
 */
public final class QFormerCompressor extends CheckpointBlock implements FrameCompressor {
    private final Parameter queryProj, queryProjB, visionProj, visionProjB, frameSeg;
    private final QFormer qformer;
    private final int k;

    private QFormerCompressor(QFormer qformer, int k) {
        this.qformer = addChildBlock("Qformer", qformer);
        this.k = k;
        queryProj = param("query_proj.weight");
        queryProjB = param("query_proj.bias");
        visionProj = param("vision_proj.weight");
        visionProjB = param("vision_proj.bias");
        frameSeg = param("frame_seg");
    }

    /**
     * @param prefix  where the model's tensors start, {@code "model."} for TDC checkpoints
     * @param k       tokens per compressed frame ({@code context_token_num}, 16)
     * @param heads   Q-Former attention heads (12 for bert-base)
     */
    public static QFormerCompressor load(TdcWeights file, String prefix, int k, int heads, NDManager manager)
            throws IOException {
        return load(file, prefix, k, heads, manager, DataType.FLOAT32);
    }

    /** The same, computing in {@code type} (weights converted as they load). */
    public static QFormerCompressor load(TdcWeights file, String prefix, int k, int heads, NDManager manager, DataType type)
            throws IOException {
        QFormerCompressor c = new QFormerCompressor(QFormer.load(file, prefix, heads, 1e-12f, manager, type), k);
        c.computeIn(type);
        c.load(file, prefix, manager);
        return c;
    }

    /** An unloaded compressor around {@code qformer}; fill both with {@link #load(java.util.function.Function)}. */
    public static QFormerCompressor create(QFormer qformer, int k) {
        return new QFormerCompressor(qformer, k);
    }

    public QFormer qformer() {
        return qformer;
    }

    @Override
    public int queryTokens() {
        return k;
    }

    /** The learned separator token (LLM width) that follows every frame block. */
    @Override
    protected java.util.Set<String> float32Tokens() {
        return java.util.Set.of("frame_seg");
    }

    @Override
    public NDArray separator() {
        return frameSeg.getArray();
    }

    @Override
    public TdcEngine engine() {
        return TdcEngine.DJL;
    }

    /** Nothing to free: the weights live in the manager they were loaded into. */
    @Override
    public void close() {
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(compress(inputs.get(0), inputs.get(1), inputs.size() > 2 ? inputs.get(2) : null));
    }

    /**
     * @param statics (B, T, H) the static frame of each row's chunk
     * @param frames  (B, T, H) the frames to compress
     * @param ids     (1, L) question ids for BERT, or null
     * @return (B, K, H)
     */
    @Override
    public NDArray compress(NDArray statics, NDArray frames, NDArray ids) {
        NDManager parent = frames.getManager();
        // Intermediates (K/V of every layer: ~100 MB per 28 frames at real sizes) live in a
        // scope that closes here; only the result survives, attached to the caller's manager.
        try (NDManager scope = parent.newSubManager()) {
            statics.tempAttach(scope);
            frames.tempAttach(scope);
            if (ids != null) ids.tempAttach(scope);
            NDArray pool = toCompute(poolMatrix(scope, (int) statics.getShape().get(1), k));
            NDArray queries = Nn.linear(pool.matMul(toCompute(statics)), queryProj, queryProjB);
            NDArray hidden = qformer.forward(queries, toCompute(frames), ids);
            NDArray out = toFloat32(Nn.l2normalize(Nn.linear(hidden, visionProj, visionProjB)));
            out.attach(parent);
            return out;
        }
    }

    /**
     * torch's adaptive_avg_pool1d from {@code t} to {@code k} positions as a (k, t) matrix: bin i
     * averages positions floor(i*t/k) .. ceil((i+1)*t/k)-1.
     */
    static NDArray poolMatrix(NDManager manager, int t, int k) {
        return manager.create(poolWeights(t, k), new Shape(k, t));
    }

    /** {@link #poolMatrix}'s values, row-major. */
    static float[] poolWeights(int t, int k) {
        float[] m = new float[k * t];
        for (int i = 0; i < k; i++) {
            int start = (int) Math.floor((double) i * t / k);
            int end = (int) Math.ceil((double) (i + 1) * t / k);
            for (int j = start; j < end; j++) m[i * t + j] = 1f / (end - start);
        }
        return m;
    }
}
