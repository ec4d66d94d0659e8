package dev.longvqa.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.longvqa.runtime.WeightSource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Llama/Qwen2 decoder layer: pre-norm grouped-query self-attention with rotary positions,
 * then a pre-norm SwiGLU MLP, each added to the residual stream. Its parameters are named
 * exactly as the Hugging Face tensors under {@code model.layers.N.}, so loading is a lookup.
 */
public final class DecoderLayer extends AbstractBlock {
    private final LlmConfig config;
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final Parameter inputNorm, postNorm, qProj, kProj, vProj, oProj, gateProj, upProj, downProj;
    private final Parameter qBias, kBias, vBias;
    private final float scale;

    DecoderLayer(LlmConfig config, boolean attentionBias) {
        this.config = config;
        int h = config.hiddenSize(), q = config.numHeads() * config.headDim(), kv = config.numKvHeads() * config.headDim();
        int i = config.intermediateSize();
        inputNorm = param("input_layernorm.weight", Parameter.Type.GAMMA, h);
        qProj = param("self_attn.q_proj.weight", Parameter.Type.WEIGHT, q, h);
        kProj = param("self_attn.k_proj.weight", Parameter.Type.WEIGHT, kv, h);
        vProj = param("self_attn.v_proj.weight", Parameter.Type.WEIGHT, kv, h);
        qBias = attentionBias ? param("self_attn.q_proj.bias", Parameter.Type.BIAS, q) : null;
        kBias = attentionBias ? param("self_attn.k_proj.bias", Parameter.Type.BIAS, kv) : null;
        vBias = attentionBias ? param("self_attn.v_proj.bias", Parameter.Type.BIAS, kv) : null;
        oProj = param("self_attn.o_proj.weight", Parameter.Type.WEIGHT, h, q);
        postNorm = param("post_attention_layernorm.weight", Parameter.Type.GAMMA, h);
        gateProj = param("mlp.gate_proj.weight", Parameter.Type.WEIGHT, i, h);
        upProj = param("mlp.up_proj.weight", Parameter.Type.WEIGHT, i, h);
        downProj = param("mlp.down_proj.weight", Parameter.Type.WEIGHT, h, i);
        scale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    private Parameter param(String name, Parameter.Type type, long... shape) {
        shapes.put(name, new Shape(shape));
        return addParameter(Parameter.builder().setName(name).setType(type).build());
    }

    /** Sets every parameter from {@code prefix + name}, e.g. {@code model.layers.3.self_attn.q_proj.weight}. */
    void load(WeightSource weights, String prefix, NDManager manager, DataType dtype) {
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            NDArray array = weights.load(prefix + e.getKey(), e.getValue(), manager, dtype);
            parameters.get(e.getKey()).setArray(array);
        }
    }

    /**
     * @param x    {@code [t, hidden]} hidden states of the new positions
     * @param mask additive {@code [t, past + t]} causal mask, or null when {@code t == 1}
     */
    NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache, int layer) {
        int t = (int) x.getShape().get(0);
        int kvHeads = config.numKvHeads(), groups = config.groups(), hd = config.headDim();
        int end = cache.length() + t;

        NDArray h = rmsNorm(x, inputNorm.getArray());
        // Queries grouped by the key/value head they share: [kvHeads, groups*t, hd]. Attending per
        // group avoids materialising repeat_kv copies of the keys and values.
        NDArray q = linear(h, qProj, qBias).reshape(t, kvHeads, groups, hd).transpose(1, 2, 0, 3);
        NDArray k = linear(h, kProj, kBias).reshape(t, kvHeads, hd).transpose(1, 0, 2);
        NDArray v = linear(h, vProj, vBias).reshape(t, kvHeads, hd).transpose(1, 0, 2);
        q = rotate(q, cos, sin);
        k = rotate(k, cos, sin);
        cache.write(layer, k, v);
        NDArray keys = cache.keys(layer, end);
        NDArray values = cache.values(layer, end);

        NDArray scores = q.reshape(kvHeads, groups * t, hd).matMul(keys.transpose(0, 2, 1)).mul(scale);
        if (mask != null) scores = scores.reshape(kvHeads, groups, t, end).add(mask).reshape(kvHeads, groups * t, end);
        // Softmax in float32 whatever the compute type, as the reference does.
        NDArray probs = scores.getDataType() == DataType.FLOAT32
                ? scores.softmax(-1) : scores.toType(DataType.FLOAT32, false).softmax(-1).toType(scores.getDataType(), false);
        NDArray attended = probs.matMul(values)
                .reshape(kvHeads, groups, t, hd).transpose(2, 0, 1, 3).reshape(t, (long) config.numHeads() * hd);
        x = x.add(linear(attended, oProj, null));

        h = rmsNorm(x, postNorm.getArray());
        NDArray gate = linear(h, gateProj, null);
        NDArray act = gate.mul(Activation.sigmoid(gate)).mul(linear(h, upProj, null)); // SwiGLU: silu(gate) * up
        return x.add(linear(act, downProj, null));
    }

    private static NDArray linear(NDArray x, Parameter weight, Parameter bias) {
        return bias == null ? Linear.linear(x, weight.getArray()).singletonOrThrow()
                : Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow();
    }

    /** {@code x * cos + rotate_half(x) * sin}, rotate_half(x) = cat(-x[..., d/2:], x[..., :d/2]). */
    static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
        NDArray first = x.get(new NDIndex("..., :{}", half));
        NDArray second = x.get(new NDIndex("..., {}:", half));
        NDArray rotated = second.neg().concat(first, -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /** RMSNorm computed in float32 and cast back before the weight, like the reference. */
    NDArray rmsNorm(NDArray x, NDArray weight) {
        DataType type = x.getDataType();
        NDArray f = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray rms = f.square().mean(new int[]{-1}, true).add(config.rmsNormEps()).sqrt();
        NDArray normed = f.div(rms);
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
