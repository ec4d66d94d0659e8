package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.runtime.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A random-weight Llama checkpoint directory of any hidden size, laid out like the golden tiny
 * Llama (same tokenizer, vocabulary 64, 2 layers, tied embeddings): for tests that need a
 * {@code runtime:DIR} model whose width matches some other block (e.g. a tiny TDC projector).
 */
public final class TinyLlama {
    private TinyLlama() {
    }

    /** Writes {@code config.json}, {@code tokenizer.json} and {@code model.safetensors} into {@code dir}. */
    public static Path write(Path dir, int hidden, long seed) throws IOException {
        return write(GoldenModels.dir("llama"), dir, hidden, seed);
    }

    /**
     * The same from the golden Llama directory {@code golden} ({@code config.json} and
     * {@code tokenizer.json}), for modules that reach the goldens by path rather than as resources
     * of this test jar.
     */
    public static Path write(Path golden, Path dir, int hidden, long seed) throws IOException {
        ObjectMapper json = Json.mapper();
        ObjectNode cfg = (ObjectNode) json.readTree(golden.resolve("config.json").toFile());
        int heads = cfg.get("num_attention_heads").asInt(), kvHeads = cfg.get("num_key_value_heads").asInt();
        int headDim = cfg.get("head_dim").asInt(), inter = cfg.get("intermediate_size").asInt();
        int vocab = cfg.get("vocab_size").asInt(), layers = cfg.get("num_hidden_layers").asInt();
        cfg.put("hidden_size", hidden);
        cfg.put("max_position_embeddings", 4096);
        Files.createDirectories(dir);
        json.writeValue(dir.resolve("config.json").toFile(), cfg);
        Files.copy(golden.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));

        Random rnd = new Random(seed);
        SafetensorsWriter w = new SafetensorsWriter();
        w.put("model.embed_tokens.weight", new long[]{vocab, hidden}, normal(rnd, vocab * hidden, 0.5f));
        w.put("model.norm.weight", new long[]{hidden}, ones(hidden));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", new long[]{hidden}, ones(hidden));
            w.put(p + "post_attention_layernorm.weight", new long[]{hidden}, ones(hidden));
            linear(w, rnd, p + "self_attn.q_proj.weight", heads * headDim, hidden);
            linear(w, rnd, p + "self_attn.k_proj.weight", kvHeads * headDim, hidden);
            linear(w, rnd, p + "self_attn.v_proj.weight", kvHeads * headDim, hidden);
            linear(w, rnd, p + "self_attn.o_proj.weight", hidden, heads * headDim);
            linear(w, rnd, p + "mlp.gate_proj.weight", inter, hidden);
            linear(w, rnd, p + "mlp.up_proj.weight", inter, hidden);
            linear(w, rnd, p + "mlp.down_proj.weight", hidden, inter);
        }
        w.write(dir.resolve("model.safetensors"));
        return dir;
    }

    private static void linear(SafetensorsWriter w, Random rnd, String name, int out, int in) {
        w.put(name, new long[]{out, in}, normal(rnd, out * in, (float) (1 / Math.sqrt(in))));
    }

    private static float[] normal(Random rnd, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * std);
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
