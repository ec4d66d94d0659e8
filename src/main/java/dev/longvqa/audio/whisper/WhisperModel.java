package dev.longvqa.audio.whisper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.longvqa.runtime.HfCheckpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Whisper's encoder-decoder (openai/whisper {@code model.py}; tensor names of transformers'
 * {@code WhisperForConditionalGeneration}) on DJL, inference only, float32 on the CPU:
 * <ul>
 *   <li>encoder: two conv1d (k 3, the second with stride 2) with GELU, the sinusoidal positions
 *       the checkpoint stores, pre-LN self-attention blocks, a final layer norm;</li>
 *   <li>decoder: token embedding plus learned positions, pre-LN blocks of causal self-attention
 *       (keys/values cached per step) and cross-attention over the encoder output (its keys and
 *       values computed once per window), a final layer norm, logits from the tied embedding.</li>
 * </ul>
 * Weights are read with {@link HfCheckpoint} (F32, F16 and BF16 tensors, one file or shards),
 * each checked against the shape the config implies. Parity: {@code WhisperGoldenTest}.
 */
final class WhisperModel implements AutoCloseable {
    private static final float LN_EPS = 1e-5f;

    private final WhisperConfig.Architecture cfg;
    private final NDManager manager;
    private final Map<String, NDArray> w = new HashMap<>();

    private WhisperModel(WhisperConfig.Architecture cfg, NDManager manager) {
        this.cfg = cfg;
        this.manager = manager;
    }

    /** Loads the weights of {@code dir} (config already read) onto a sub-manager of {@code parent}. */
    public static WhisperModel load(Path dir, WhisperConfig.Architecture cfg, NDManager parent) throws IOException {
        NDManager m = parent.newSubManager();
        WhisperModel model = new WhisperModel(cfg, m);
        try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
            String p = ck.contains("model.encoder.conv1.weight") ? "model." : "";
            int d = cfg.dModel();
            model.put(ck, p, "encoder.conv1.weight", d, cfg.melBins(), 3);
            model.put(ck, p, "encoder.conv1.bias", d);
            model.put(ck, p, "encoder.conv2.weight", d, d, 3);
            model.put(ck, p, "encoder.conv2.bias", d);
            model.put(ck, p, "encoder.embed_positions.weight", cfg.sourcePositions(), d);
            model.norm(ck, p, "encoder.layer_norm");
            for (int i = 0; i < cfg.encoderLayers(); i++) model.block(ck, p, "encoder.layers." + i + ".", false, cfg.encoderFfn());
            model.put(ck, p, "decoder.embed_tokens.weight", cfg.vocabSize(), d);
            model.put(ck, p, "decoder.embed_positions.weight", cfg.targetPositions(), d);
            model.norm(ck, p, "decoder.layer_norm");
            for (int i = 0; i < cfg.decoderLayers(); i++) model.block(ck, p, "decoder.layers." + i + ".", true, cfg.decoderFfn());
            return model;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private void put(HfCheckpoint ck, String prefix, String name, long... shape) {
        w.put(name, ck.load(prefix + name, new Shape(shape), manager, DataType.FLOAT32));
    }

    private void norm(HfCheckpoint ck, String prefix, String name) {
        put(ck, prefix, name + ".weight", cfg.dModel());
        put(ck, prefix, name + ".bias", cfg.dModel());
    }

    private void block(HfCheckpoint ck, String prefix, String pre, boolean cross, int ffn) {
        int d = cfg.dModel();
        attention(ck, prefix, pre + "self_attn.");
        norm(ck, prefix, pre + "self_attn_layer_norm");
        if (cross) {
            attention(ck, prefix, pre + "encoder_attn.");
            norm(ck, prefix, pre + "encoder_attn_layer_norm");
        }
        norm(ck, prefix, pre + "final_layer_norm");
        put(ck, prefix, pre + "fc1.weight", ffn, d);
        put(ck, prefix, pre + "fc1.bias", ffn);
        put(ck, prefix, pre + "fc2.weight", d, ffn);
        put(ck, prefix, pre + "fc2.bias", d);
    }

    private void attention(HfCheckpoint ck, String prefix, String pre) {
        int d = cfg.dModel();
        for (String n : new String[]{"q_proj", "k_proj", "v_proj", "out_proj"}) {
            put(ck, prefix, pre + n + ".weight", d, d);
            // Whisper's key projection has no bias
            if (!n.equals("k_proj")) put(ck, prefix, pre + n + ".bias", d);
        }
    }

    public WhisperConfig.Architecture config() {
        return cfg;
    }

    /** Encoder output (1500, d) for log-mel features (melBins, 3000), on {@code out}. */
    public NDArray encode(NDArray mel, NDManager out) {
        try (NDManager m = manager.newSubManager()) {
            NDArray in = mel.duplicate();
            in.attach(m);
            NDArray x = Activation.gelu(Conv1d.conv1d(in.expandDims(0), w.get("encoder.conv1.weight"), w.get("encoder.conv1.bias"),
                    new Shape(1), new Shape(1), new Shape(1), 1).singletonOrThrow());
            x = Activation.gelu(Conv1d.conv1d(x, w.get("encoder.conv2.weight"), w.get("encoder.conv2.bias"),
                    new Shape(2), new Shape(1), new Shape(1), 1).singletonOrThrow());
            x = x.squeeze(0).transpose().add(w.get("encoder.embed_positions.weight"));
            int heads = cfg.encoderHeads();
            for (int i = 0; i < cfg.encoderLayers(); i++) {
                String pre = "encoder.layers." + i + ".";
                NDArray h = layerNorm(x, pre + "self_attn_layer_norm");
                NDArray q = split(linear(h, pre + "self_attn.q_proj").mul(scaling(heads)), heads);
                x = x.add(attend(q, split(linear(h, pre + "self_attn.k_proj"), heads), split(linear(h, pre + "self_attn.v_proj"), heads),
                        null, pre + "self_attn.out_proj"));
                x = x.add(mlp(layerNorm(x, pre + "final_layer_norm"), pre));
            }
            NDArray result = layerNorm(x, "encoder.layer_norm");
            result.attach(out);
            return result;
        }
    }

    /** The decoder's state for one window: cross-attention keys/values and the growing self-attention cache. */
    public final class DecoderState implements AutoCloseable {
        private final NDManager m;
        private final NDArray[] crossK, crossV, selfK, selfV;
        private int position;

        private DecoderState(NDArray encoded) {
            m = manager.newSubManager();
            int layers = cfg.decoderLayers(), heads = cfg.decoderHeads();
            crossK = new NDArray[layers];
            crossV = new NDArray[layers];
            selfK = new NDArray[layers];
            selfV = new NDArray[layers];
            for (int i = 0; i < layers; i++) {
                String pre = "decoder.layers." + i + ".encoder_attn.";
                crossK[i] = split(linear(encoded, pre + "k_proj"), heads);
                crossV[i] = split(linear(encoded, pre + "v_proj"), heads);
                crossK[i].attach(m);
                crossV[i].attach(m);
            }
        }

        /** Tokens decoded so far (the positions used). */
        public int position() {
            return position;
        }

        /**
         * Feeds {@code tokens} (the prompt at first, then one token per step) and returns the logits
         * (vocab) after the last of them.
         */
        public float[] step(long[] tokens) {
            int n = tokens.length;
            if (position + n > cfg.targetPositions()) throw new IllegalStateException("past the decoder's " + cfg.targetPositions() + " positions");
            try (NDManager s = m.newSubManager()) {
                NDArray emb = w.get("decoder.embed_tokens.weight");
                // slices of the model's arrays belong to the model's manager: moved to this step's
                NDList rows = new NDList();
                for (long t : tokens) {
                    if (t < 0 || t >= cfg.vocabSize()) throw new IllegalArgumentException("token " + t + " outside the vocabulary");
                    NDArray r = emb.get(t);
                    r.attach(s);
                    rows.add(r);
                }
                NDArray pos = w.get("decoder.embed_positions.weight").get(position + ":" + (position + n));
                pos.attach(s);
                NDArray x = NDArrays.stack(rows).add(pos);
                int heads = cfg.decoderHeads();
                NDArray mask = n > 1 ? causalMask(s, n, position + n) : null;
                for (int i = 0; i < cfg.decoderLayers(); i++) {
                    String pre = "decoder.layers." + i + ".";
                    NDArray h = layerNorm(x, pre + "self_attn_layer_norm");
                    NDArray q = split(linear(h, pre + "self_attn.q_proj").mul(scaling(heads)), heads);
                    NDArray k = split(linear(h, pre + "self_attn.k_proj"), heads), v = split(linear(h, pre + "self_attn.v_proj"), heads);
                    if (selfK[i] != null) {
                        k = selfK[i].concat(k, 1);
                        v = selfV[i].concat(v, 1);
                        selfK[i].close();
                        selfV[i].close();
                    }
                    k.attach(m);
                    v.attach(m);
                    selfK[i] = k;
                    selfV[i] = v;
                    x = x.add(attend(q, k, v, mask, pre + "self_attn.out_proj"));
                    NDArray c = split(linear(layerNorm(x, pre + "encoder_attn_layer_norm"), pre + "encoder_attn.q_proj").mul(scaling(heads)), heads);
                    x = x.add(attend(c, crossK[i], crossV[i], null, pre + "encoder_attn.out_proj"));
                    x = x.add(mlp(layerNorm(x, pre + "final_layer_norm"), pre));
                }
                NDArray last = layerNorm(x.get((n - 1) + ":" + n), "decoder.layer_norm");
                position += n;
                return Linear.linear(last, emb).singletonOrThrow().toFloatArray();
            }
        }

        @Override
        public void close() {
            m.close();
        }
    }

    /** A fresh decoder state over one window's encoder output. */
    public DecoderState decoder(NDArray encoded) {
        return new DecoderState(encoded);
    }

    /** -inf above the diagonal for {@code n} new queries over {@code total} keys (the cached ones first). */
    private static NDArray causalMask(NDManager m, int n, int total) {
        float[] mask = new float[n * total];
        for (int i = 0; i < n; i++) for (int j = total - n + i + 1; j < total; j++) mask[i * total + j] = Float.NEGATIVE_INFINITY;
        return m.create(mask, new Shape(n, total));
    }

    private float scaling(int heads) {
        return (float) Math.pow(cfg.dModel() / (double) heads, -0.5);
    }

    /** (t, d) -> (heads, t, d / heads). */
    private NDArray split(NDArray x, int heads) {
        long t = x.getShape().get(0);
        return x.reshape(t, heads, cfg.dModel() / heads).transpose(1, 0, 2);
    }

    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, String out) {
        NDArray scores = q.matMul(k.transpose(0, 2, 1));
        if (mask != null) scores = scores.add(mask);
        NDArray o = scores.softmax(-1).matMul(v);
        long t = q.getShape().get(1);
        return linear(o.transpose(1, 0, 2).reshape(t, cfg.dModel()), out);
    }

    private NDArray mlp(NDArray x, String pre) {
        return linear(Activation.gelu(linear(x, pre + "fc1")), pre + "fc2");
    }

    private NDArray linear(NDArray x, String name) {
        NDArray b = w.get(name + ".bias");
        NDArray weight = w.get(name + ".weight");
        return b == null ? Linear.linear(x, weight).singletonOrThrow() : Linear.linear(x, weight, b).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(cfg.dModel()), w.get(name + ".weight"), w.get(name + ".bias"), LN_EPS).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
