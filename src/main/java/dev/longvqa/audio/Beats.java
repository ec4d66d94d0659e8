package dev.longvqa.audio;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The BEATs audio encoder (arXiv 2212.09058; the copy TDC-Video runs, {@code tdc/audio_models/beats})
 * on DJL, in inference mode: Kaldi fbank ({@link KaldiFbank}), 16×16 patch embedding over
 * (time, mel), layer norm, optional projection, a convolutional position embedding (grouped,
 * weight-normalised), then post-norm transformer layers with DeepNorm residual scaling and
 * gated relative position bias shared by all layers. {@link #features} gives the last layer's
 * tokens, about 50 per second of 16 kHz audio (8 mel patches × 6.2 time patches).
 *
 * <p>Weights: the official {@code .pt} converted once by {@code tools/beats_to_safetensors.py}
 * (tensor names unchanged, cfg in the header). Parity with the reference modules on random
 * weights: {@code BeatsGoldenTest}.
 */
public final class Beats implements AutoCloseable {
    /** The checkpoint's {@code cfg}; the fields the encoder's inference path reads. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BeatsConfig(@JsonProperty("input_patch_size") int patch, @JsonProperty("embed_dim") int embedDim,
                         @JsonProperty("conv_bias") boolean convBias, @JsonProperty("encoder_layers") int layers,
                         @JsonProperty("encoder_embed_dim") int dim, @JsonProperty("encoder_attention_heads") int heads,
                         @JsonProperty("activation_fn") String activation, @JsonProperty("layer_norm_first") boolean layerNormFirst,
                         @JsonProperty("deep_norm") boolean deepNorm, @JsonProperty("conv_pos") int convPos,
                         @JsonProperty("conv_pos_groups") int convPosGroups,
                         @JsonProperty("relative_position_embedding") boolean relativePosition,
                         @JsonProperty("num_buckets") int numBuckets, @JsonProperty("max_distance") int maxDistance,
                         @JsonProperty("gru_rel_pos") boolean gatedRelPos) {
        /** BEATs_iter3_plus_AS2M's values wherever the file's cfg is silent. */
        public BeatsConfig {
            if (patch <= 0) patch = 16;
            if (embedDim <= 0) embedDim = 512;
            if (layers <= 0) layers = 12;
            if (dim <= 0) dim = 768;
            if (heads <= 0) heads = 12;
            if (activation == null) activation = "gelu";
            if (convPos <= 0) convPos = 128;
            if (convPosGroups <= 0) convPosGroups = 16;
            if (numBuckets <= 0) numBuckets = 320;
            if (maxDistance <= 0) maxDistance = 1280;
        }
    }

    private static final float LN_EPS = 1e-5f;
    /** The reference's attention rescaling constant (numerical stability trick in fp16). */
    private static final float ALPHA = 32f;

    private final BeatsConfig cfg;
    private final NDManager manager;
    private final Map<String, NDArray> w = new HashMap<>();
    private final NDArray posConvWeight;
    private final float[] relBias; // [numBuckets][heads], row-major

    private Beats(BeatsConfig cfg, NDManager manager, Safetensors file) {
        this.cfg = cfg;
        this.manager = manager;
        if (cfg.layerNormFirst()) throw new IllegalArgumentException("layer_norm_first BEATs variants are not supported (no released checkpoint uses them)");
        if (!cfg.activation().equals("gelu")) throw new IllegalArgumentException("activation " + cfg.activation() + " is not supported");
        for (String name : file.names()) {
            if (name.startsWith("predictor.") || name.contains("relative_attention_bias")) continue;
            w.put(name, NdArrays.load(manager, file, name));
        }
        // weight norm over every dim but the kernel's (dim=2): w = g * v / ||v||
        String g = first(file, "encoder.pos_conv.0.weight_g", "encoder.pos_conv.0.parametrizations.weight.original0");
        String v = first(file, "encoder.pos_conv.0.weight_v", "encoder.pos_conv.0.parametrizations.weight.original1");
        NDArray vv = w.get(v);
        posConvWeight = w.get(g).mul(vv).div(vv.square().sum(new int[]{0, 1}, true).sqrt());
        relBias = cfg.relativePosition() ? file.floats("encoder.layers.0.self_attn.relative_attention_bias.weight") : null;
    }

    private static String first(Safetensors f, String... names) {
        for (String n : names) if (f.contains(n)) return n;
        throw new IllegalArgumentException("checkpoint has none of " + String.join(", ", names));
    }

    /** Loads a converted checkpoint; the arrays live on {@code manager}'s device until {@link #close}. */
    public static Beats load(Path safetensors, NDManager parent) throws IOException {
        try (Safetensors file = Safetensors.open(safetensors)) {
            String json = file.metadata().get("beats_cfg");
            if (json == null) {
                throw new IOException(safetensors + " has no beats_cfg metadata: convert the official .pt with tools/beats_to_safetensors.py");
            }
            BeatsConfig cfg = dev.longvqa.contract.Json.mapper().readValue(json, BeatsConfig.class);
            NDManager m = parent.newSubManager();
            try {
                return new Beats(cfg, m, file);
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
    }

    public BeatsConfig config() {
        return cfg;
    }

    /** Tokens (T', dim) for 16 kHz samples; the caller owns the array (closed with its manager). */
    public NDArray features(float[] wave, NDManager out) {
        float[][] fb = KaldiFbank.beats(wave);
        int p = cfg.patch();
        int tp = fb.length / p, fp = KaldiFbank.MEL_BINS / p;
        if (tp == 0) throw new IllegalArgumentException("too short for one patch: " + wave.length + " samples");
        try (NDManager m = manager.newSubManager()) {
            float[] flat = new float[tp * p * KaldiFbank.MEL_BINS];
            for (int t = 0; t < tp * p; t++) System.arraycopy(fb[t], 0, flat, t * KaldiFbank.MEL_BINS, KaldiFbank.MEL_BINS);
            // Conv2d(1, E, k=p, stride=p) as a matmul over patches; token order (time patch, mel patch)
            NDArray patches = m.create(flat, new Shape(tp, p, fp, p)).transpose(0, 2, 1, 3).reshape(tp * fp, p * p);
            NDArray pw = w.get("patch_embedding.weight").reshape(cfg.embedDim(), p * p);
            NDArray x = linear(patches, pw, cfg.convBias() ? w.get("patch_embedding.bias") : null);
            x = layerNorm(x, "layer_norm");
            if (w.containsKey("post_extract_proj.weight")) x = linear(x, "post_extract_proj");
            x = encoder(m, x);
            NDArray result = x.duplicate();
            result.attach(out);
            return result;
        }
    }

    /** The same as float[T'][dim]. */
    public float[][] featuresArray(float[] wave) {
        try (NDManager m = manager.newSubManager()) {
            NDArray f = features(wave, m);
            int t = (int) f.getShape().get(0), d = (int) f.getShape().get(1);
            float[] flat = f.toFloatArray();
            float[][] out = new float[t][d];
            for (int i = 0; i < t; i++) System.arraycopy(flat, i * d, out[i], 0, d);
            return out;
        }
    }

    private NDArray encoder(NDManager m, NDArray x) {
        int t = (int) x.getShape().get(0);
        // convolutional position embedding: (1, D, T) -> conv (padding K/2) -> drop the extra step (even K) -> GELU
        NDArray conv = Conv1d.conv1d(x.transpose().expandDims(0), posConvWeight, w.get("encoder.pos_conv.0.bias"),
                new Shape(1), new Shape(cfg.convPos() / 2), new Shape(1), cfg.convPosGroups()).singletonOrThrow();
        if (cfg.convPos() % 2 == 0) conv = conv.get(new NDIndex(":, :, :" + t));
        x = x.add(Activation.gelu(conv).squeeze(0).transpose());
        x = layerNorm(x, "encoder.layer_norm");
        NDArray posBias = cfg.relativePosition() ? positionBias(m, t) : null;
        float alpha = cfg.deepNorm() ? (float) Math.pow(2.0 * cfg.layers(), 0.25) : 1f;
        for (int i = 0; i < cfg.layers(); i++) x = layer(x, "encoder.layers." + i + ".", posBias, alpha);
        return x;
    }

    private NDArray layer(NDArray x, String pre, NDArray posBias, float alpha) {
        int t = (int) x.getShape().get(0), h = cfg.heads(), hd = cfg.dim() / h;
        float scaling = (float) Math.pow(hd, -0.5);
        NDArray qRaw = linear(x, pre + "self_attn.q_proj");
        NDArray q = heads(qRaw.mul(scaling).div(ALPHA), t, h, hd);
        NDArray k = heads(linear(x, pre + "self_attn.k_proj"), t, h, hd);
        NDArray v = heads(linear(x, pre + "self_attn.v_proj"), t, h, hd);
        NDArray scores = q.matMul(k.transpose(0, 2, 1));
        scores = scores.sub(scores.max(new int[]{-1}, true)).mul(ALPHA);
        if (posBias != null) {
            NDArray bias = posBias;
            if (cfg.gatedRelPos()) {
                // gate from the unscaled query: sigmoid of grep_linear summed in two groups of 4
                NDArray g = linear(heads(qRaw, t, h, hd), pre + "self_attn.grep_linear").reshape(h, t, 2, 4).sum(new int[]{-1});
                g = Activation.sigmoid(g);
                NDArray a = g.get(new NDIndex(":, :, 0:1")), b = g.get(new NDIndex(":, :, 1:2"));
                NDArray grepA = w.get(pre + "self_attn.grep_a").reshape(h, 1, 1);
                bias = a.mul(b.mul(grepA).sub(1f)).add(2f).mul(posBias);
            }
            scores = scores.add(bias);
        }
        NDArray attn = scores.softmax(-1).matMul(v).transpose(1, 0, 2).reshape(t, cfg.dim());
        attn = linear(attn, pre + "self_attn.out_proj");
        x = layerNorm(x.mul(alpha).add(attn), pre + "self_attn_layer_norm");
        NDArray ff = linear(Activation.gelu(linear(x, pre + "fc1")), pre + "fc2");
        return layerNorm(x.mul(alpha).add(ff), pre + "final_layer_norm");
    }

    /** (H, T, T) bias from the bucketed relative distance {@code key - query}. */
    private NDArray positionBias(NDManager m, int t) {
        int h = cfg.heads();
        int[] bucket = new int[2 * t - 1];
        for (int r = -(t - 1); r <= t - 1; r++) bucket[r + t - 1] = bucket(r, cfg.numBuckets(), cfg.maxDistance());
        float[] out = new float[h * t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                int b = bucket[j - i + t - 1];
                for (int hh = 0; hh < h; hh++) out[(hh * t + i) * t + j] = relBias[b * h + hh];
            }
        }
        return m.create(out, new Shape(h, t, t));
    }

    /** T5-style bidirectional bucket, in float32 like the reference's tensor arithmetic. */
    static int bucket(int relative, int numBuckets, int maxDistance) {
        int nb = numBuckets / 2;
        int b = relative > 0 ? nb : 0;
        int r = Math.abs(relative);
        int maxExact = nb / 2;
        if (r < maxExact) return b + r;
        float logRatio = (float) Math.log((float) r / maxExact);
        float large = (float) (logRatio / Math.log(maxDistance / (double) maxExact)) * (nb - maxExact);
        return b + Math.min(maxExact + (int) large, nb - 1);
    }

    private static NDArray heads(NDArray x, int t, int h, int hd) {
        return x.reshape(t, h, hd).transpose(1, 0, 2);
    }

    private NDArray linear(NDArray x, String name) {
        return linear(x, w.get(name + ".weight"), w.get(name + ".bias"));
    }

    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return bias == null ? Linear.linear(x, weight).singletonOrThrow() : Linear.linear(x, weight, bias).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)),
                w.get(name + ".weight"), w.get(name + ".bias"), LN_EPS).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
