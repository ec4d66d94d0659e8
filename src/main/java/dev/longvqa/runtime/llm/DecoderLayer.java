package dev.longvqa.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.longvqa.runtime.WeightSource;

import java.util.List;

/**
 * One Llama/Qwen2 decoder layer: pre-norm grouped-query self-attention with rotary positions,
 * then a pre-norm SwiGLU MLP, each added to the residual stream.
 *
 * <p>Every engine call costs a JNI crossing (and on a GPU a kernel launch), which for small
 * decoders costs more than the arithmetic of a one-token step. So the projections that read the
 * same input are fused at load time: {@code qkv_proj = cat(q_proj, k_proj, v_proj)} (biases
 * likewise) and {@code gate_up_proj = cat(gate_proj, up_proj)}, and {@code rotate_half} is a
 * matmul with a constant signed permutation (exact: one ±1 term per output), applied to queries
 * and keys in one go. The Hugging Face tensors these are built from are listed in docs/RUNTIME.md.
 */
final class DecoderLayer extends AbstractBlock {
    private final LlmConfig config;
    private final boolean attentionBias;
    private final Parameter inputNorm, qkvProj, qkvBias, oProj, postNorm, gateUpProj, downProj;
    private final float scale;

    DecoderLayer(LlmConfig config, boolean attentionBias) {
        this.config = config;
        this.attentionBias = attentionBias;
        inputNorm = param("input_layernorm.weight", Parameter.Type.GAMMA);
        qkvProj = param("self_attn.qkv_proj.weight", Parameter.Type.WEIGHT);
        qkvBias = attentionBias ? param("self_attn.qkv_proj.bias", Parameter.Type.BIAS) : null;
        oProj = param("self_attn.o_proj.weight", Parameter.Type.WEIGHT);
        postNorm = param("post_attention_layernorm.weight", Parameter.Type.GAMMA);
        gateUpProj = param("mlp.gate_up_proj.weight", Parameter.Type.WEIGHT);
        downProj = param("mlp.down_proj.weight", Parameter.Type.WEIGHT);
        scale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    private Parameter param(String name, Parameter.Type type) {
        return addParameter(Parameter.builder().setName(name).setType(type).build());
    }

    /** Loads the layer's tensors from {@code prefix + name}, e.g. {@code model.layers.3.self_attn.q_proj.weight}. */
    void load(WeightSource w, String prefix, NDManager manager, DataType dtype) {
        long h = config.hiddenSize(), q = (long) config.numHeads() * config.headDim(), kv = (long) config.numKvHeads() * config.headDim();
        long i = config.intermediateSize();
        inputNorm.setArray(w.load(prefix + "input_layernorm.weight", new Shape(h), manager, dtype));
        postNorm.setArray(w.load(prefix + "post_attention_layernorm.weight", new Shape(h), manager, dtype));
        oProj.setArray(w.load(prefix + "self_attn.o_proj.weight", new Shape(h, q), manager, dtype));
        downProj.setArray(w.load(prefix + "mlp.down_proj.weight", new Shape(h, i), manager, dtype));
        String a = prefix + "self_attn.";
        qkvProj.setArray(fused(w, manager, dtype, List.of(a + "q_proj.weight", a + "k_proj.weight", a + "v_proj.weight"),
                List.of(new Shape(q, h), new Shape(kv, h), new Shape(kv, h))));
        if (attentionBias) {
            qkvBias.setArray(fused(w, manager, dtype, List.of(a + "q_proj.bias", a + "k_proj.bias", a + "v_proj.bias"),
                    List.of(new Shape(q), new Shape(kv), new Shape(kv))));
        }
        gateUpProj.setArray(fused(w, manager, dtype, List.of(prefix + "mlp.gate_proj.weight", prefix + "mlp.up_proj.weight"),
                List.of(new Shape(i, h), new Shape(i, h))));
    }

    private static NDArray fused(WeightSource w, NDManager manager, DataType dtype, List<String> names, List<Shape> shapes) {
        NDList parts = new NDList();
        for (int k = 0; k < names.size(); k++) parts.add(w.load(names.get(k), shapes.get(k), manager, dtype));
        NDArray joined = NDArrays.concat(parts, 0);
        parts.close();
        return joined;
    }

    /**
     * @param x      {@code [t, hidden]} hidden states of the new positions
     * @param rope   {@code [cos, sin, rotation]}: {@code [t, headDim]} tables and the
     *               {@code [headDim, headDim]} rotate_half permutation
     * @param mask   additive {@code [t, past + t]} causal mask, or null when {@code t == 1}
     */
    NDArray forward(NDArray x, NDList rope, NDArray mask, KvCache cache, int layer) {
        int t = (int) x.getShape().get(0);
        int heads = config.numHeads(), kvHeads = config.numKvHeads(), groups = config.groups(), hd = config.headDim();
        int end = cache.length() + t;

        NDArray h = rmsNorm(x, inputNorm.getArray());
        NDArray qkv = (qkvBias == null ? Linear.linear(h, qkvProj.getArray()) : Linear.linear(h, qkvProj.getArray(), qkvBias.getArray()))
                .singletonOrThrow().reshape(t, heads + 2L * kvHeads, hd).transpose(1, 0, 2); // [heads + 2kv, t, hd]
        // Queries and keys rotate together: x·cos + rotate_half(x)·sin.
        NDList qkAndV = qkv.split(new long[]{heads + kvHeads}, 0);
        NDArray qk = qkAndV.get(0);
        qk = qk.mul(rope.get(0)).add(qk.matMul(rope.get(2)).mul(rope.get(1)));
        NDList split = qk.split(new long[]{heads}, 0);
        NDArray q = split.get(0), k = split.get(1);
        NDArray v = qkAndV.get(1);
        cache.write(layer, k, v);

        // Queries grouped by the key/value head they share, [kvHeads, groups*t, hd]: each group
        // attends to its keys with one batched matmul, no repeat_kv copies of keys and values.
        NDArray scores = q.reshape(kvHeads, (long) groups * t, hd).matMul(cache.keys(layer, end).transpose(0, 2, 1)).mul(scale);
        if (mask != null) scores = scores.reshape(kvHeads, groups, t, end).add(mask).reshape(kvHeads, (long) groups * t, end);
        // Softmax in float32 whatever the compute type, as the reference does.
        NDArray probs = scores.getDataType() == DataType.FLOAT32
                ? scores.softmax(-1) : scores.toType(DataType.FLOAT32, false).softmax(-1).toType(scores.getDataType(), false);
        NDArray attended = probs.matMul(cache.values(layer, end))
                .reshape(heads, t, hd).transpose(1, 0, 2).reshape(t, (long) heads * hd);
        x = x.add(Linear.linear(attended, oProj.getArray()).singletonOrThrow());

        h = rmsNorm(x, postNorm.getArray());
        NDList gateUp = Linear.linear(h, gateUpProj.getArray()).singletonOrThrow().split(2, 1);
        NDArray gate = gateUp.get(0);
        NDArray act = gate.mul(Activation.sigmoid(gate)).mul(gateUp.get(1)); // SwiGLU: silu(gate) * up
        return x.add(Linear.linear(act, downProj.getArray()).singletonOrThrow());
    }

    /** The constant {@code [d, d]} matrix R with {@code x·R = rotate_half(x) = cat(-x[d/2:], x[:d/2])}. */
    static NDArray rotation(NDManager manager, int d, DataType dtype) {
        float[] r = new float[d * d];
        int half = d / 2;
        for (int j = 0; j < half; j++) {
            r[(j + half) * d + j] = -1;      // out[j] = -x[j + d/2]
            r[j * d + j + half] = 1;         // out[j + d/2] = x[j]
        }
        NDArray m = manager.create(r, new Shape(d, d));
        return dtype == DataType.FLOAT32 ? m : m.toType(dtype, false);
    }

    /** RMSNorm computed in float32 and cast back before the weight, like the reference. */
    NDArray rmsNorm(NDArray x, NDArray weight) {
        DataType type = x.getDataType();
        NDArray f = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray normed = f.div(f.square().mean(new int[]{-1}, true).add(config.rmsNormEps()).sqrt());
        if (type != DataType.FLOAT32) normed = normed.toType(type, false);
        return normed.mul(weight);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("a decoder layer runs inside DecoderBlock, which owns the rotary tables and the cache");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }
}
