package dev.longvqa.runtime.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.longvqa.runtime.WeightSource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SmolVLM's SigLIP vision tower ({@code model.vision_model.*}) followed by the Idefics3 connector
 * (pixel shuffle + {@code model.connector.modality_projection.proj}): one normalised square
 * image in, {@link VisionConfig#tokensPerImage()} vectors in the text decoder's space out.
 * Kept apart from the TDC encoder in {@code dev.longvqa.tdc}: different checkpoint, different names.
 */
public final class SiglipVisionBlock extends AbstractBlock {
    private static final String V = "model.vision_model.";
    private static final String PROJ = "model.connector.modality_projection.proj.weight";

    private final VisionConfig config;
    private final int textHidden;
    private final Map<String, Shape> shapes = new LinkedHashMap<>();

    public SiglipVisionBlock(VisionConfig config, int textHidden) {
        this.config = config;
        this.textHidden = textHidden;
        long d = config.hiddenSize(), i = config.intermediateSize(), p = config.patchSize();
        param("embeddings.patch_embedding.weight", d, 3, p, p);
        param("embeddings.patch_embedding.bias", d);
        param("embeddings.position_embedding.weight", (long) config.patchesPerSide() * config.patchesPerSide(), d);
        for (int l = 0; l < config.numLayers(); l++) {
            String e = "encoder.layers." + l + ".";
            for (String ln : new String[]{"layer_norm1", "layer_norm2"}) {
                param(e + ln + ".weight", d);
                param(e + ln + ".bias", d);
            }
            for (String proj : new String[]{"q_proj", "k_proj", "v_proj", "out_proj"}) {
                param(e + "self_attn." + proj + ".weight", d, d);
                param(e + "self_attn." + proj + ".bias", d);
            }
            param(e + "mlp.fc1.weight", i, d);
            param(e + "mlp.fc1.bias", i);
            param(e + "mlp.fc2.weight", d, i);
            param(e + "mlp.fc2.bias", d);
        }
        param("post_layernorm.weight", d);
        param("post_layernorm.bias", d);
        int s = config.scaleFactor();
        shapes.put(PROJ, new Shape(textHidden, d * s * s));
        addParameter(Parameter.builder().setName(PROJ).setType(Parameter.Type.WEIGHT).build());
    }

    private void param(String name, long... shape) {
        shapes.put(V + name, new Shape(shape));
        addParameter(Parameter.builder().setName(V + name).setType(Parameter.Type.WEIGHT).build());
    }

    public VisionConfig config() {
        return config;
    }

    public void load(WeightSource weights, NDManager manager, DataType dtype) {
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            parameters.get(e.getKey()).setArray(weights.load(e.getKey(), e.getValue(), manager, dtype));
        }
    }

    private NDArray w(String name) {
        return parameters.get(V + name).getArray();
    }

    /** SigLIP features {@code [patches, D]} of one image {@code [3, S, S]} (post-layernorm). */
    public NDArray features(NDArray pixels) {
        int d = config.hiddenSize(), heads = config.numHeads(), hd = d / heads;
        float eps = (float) config.layerNormEps();
        NDArray x = Conv2d.conv2d(pixels.expandDims(0), w("embeddings.patch_embedding.weight"), w("embeddings.patch_embedding.bias"),
                new Shape(config.patchSize(), config.patchSize())).singletonOrThrow();  // [1, D, S/p, S/p]
        long n = x.getShape().get(2) * x.getShape().get(3);
        x = x.reshape(d, n).transpose(1, 0).add(w("embeddings.position_embedding.weight"));  // [N, D]
        float scale = (float) (1.0 / Math.sqrt(hd));
        for (int l = 0; l < config.numLayers(); l++) {
            String e = "encoder.layers." + l + ".";
            NDArray h = norm(x, e + "layer_norm1", eps);
            NDArray q = lin(h, e + "self_attn.q_proj").reshape(n, heads, hd).transpose(1, 0, 2);
            NDArray k = lin(h, e + "self_attn.k_proj").reshape(n, heads, hd).transpose(1, 0, 2);
            NDArray v = lin(h, e + "self_attn.v_proj").reshape(n, heads, hd).transpose(1, 0, 2);
            NDArray att = q.matMul(k.transpose(0, 2, 1)).mul(scale).softmax(-1).matMul(v).transpose(1, 0, 2).reshape(n, d);
            x = x.add(lin(att, e + "self_attn.out_proj"));
            h = norm(x, e + "layer_norm2", eps);
            x = x.add(lin(geluTanh(lin(h, e + "mlp.fc1")), e + "mlp.fc2"));
        }
        return norm(x, "post_layernorm", eps);
    }

    /** Image tokens {@code [tokensPerImage, textHidden]}: features, pixel shuffle, projection. */
    public NDArray imageTokens(NDArray pixels) {
        return Linear.linear(pixelShuffle(features(pixels), config.scaleFactor()), parameters.get(PROJ).getArray()).singletonOrThrow();
    }

    /**
     * Idefics3's pixel shuffle: each s×s neighbourhood of patch features becomes one vector of
     * s²·D, cutting the token count by s² (SmolVLM: 1024 patches → 64 tokens).
     */
    static NDArray pixelShuffle(NDArray x, int s) {
        long seq = x.getShape().get(0), d = x.getShape().get(1);
        long side = (long) Math.sqrt(seq);
        return x.reshape(side, side / s, d * s).transpose(1, 0, 2)
                .reshape(side / s, side / s, d * s * s).transpose(1, 0, 2)
                .reshape(seq / ((long) s * s), d * s * s);
    }

    private NDArray lin(NDArray x, String name) {
        return Linear.linear(x, w(name + ".weight"), w(name + ".bias")).singletonOrThrow();
    }

    private NDArray norm(NDArray x, String name, float eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(1)), w(name + ".weight"), w(name + ".bias"), eps).singletonOrThrow();
    }

    /** gelu with the tanh approximation ("gelu_pytorch_tanh"), which DJL's gelu (erf) is not. */
    static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
        return x.mul(0.5f).mul(inner.tanh().add(1f));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(imageTokens(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(config.tokensPerImage(), textHidden)};
    }
}
