package dev.longvqa.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.runtime.SafetensorsWriter;
import dev.longvqa.tdc.TdcSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The core's committed tiny random-weight TDC parts (src/test/resources/golden/tdc, made by
 * tools/golden/tdc_golden.py: a 32 px ViT as TorchScript and ONNX for both towers, SVA projector
 * and Q-Former to width {@link #HIDDEN}, a tiny BERT tokenizer), reached by path like
 * {@link LvcotEngineTest} reaches the golden LLM: the core's test classes are not a dependency
 * of this module (no test-jar, and its fixtures read resources as files).
 */
final class TinyTdcParts {
    /** Output width of the tiny projector (the core's {@code TinyTdc.HIDDEN}). */
    static final int HIDDEN = 24;

    private TinyTdcParts() {}

    /** A directory of the core's golden files, found by walking up from wherever surefire runs. */
    static Path golden(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("src/test/resources/golden").resolve(relative);
            if (Files.exists(candidate)) return candidate;
        }
        throw new IllegalStateException("golden " + relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * The tiny parts in {@code longvqa ask --tdc DIR}'s conventional layout, with the
     * {@code tdc.json} that gives their small geometry (as the core's AskCommandTest builds it).
     */
    static Path tdcDir(Path root) throws IOException {
        Path tdc = golden("tdc");
        Files.createDirectories(root.resolve("bert"));
        Files.copy(tdc.resolve("tdc_tiny.safetensors"), root.resolve("model-00001-of-00001.safetensors"));
        Files.copy(tdc.resolve("vit_tiny.pt"), root.resolve("siglip.pt"));
        Files.copy(tdc.resolve("vit_tiny.onnx"), root.resolve("dinov2.onnx"));
        Files.copy(tdc.resolve("bert_tiny_tokenizer.json"), root.resolve("bert/tokenizer.json"));
        String tower = "{\"preprocessor\": \"siglip\", \"size\": 32, \"prefixTokens\": 1, \"grid\": 4}";
        Files.writeString(root.resolve("tdc.json"), "{\"qformerHeads\": 4, \"towers\": {\"siglip\": " + tower
                + ", \"dinov2\": " + tower + "}, \"layout\": {\"chunkSize\": 4, \"queryTokens\": 3, \"gridRows\": 2, \"gridCols\": 2}}");
        return root;
    }

    /** The layout {@code tdc.json} above gives, at {@code budget}: 2x2 grid, K = 3, chunks of 4 (the core's TinyTdc.settings()). */
    static TdcSettings settings(int budget) {
        return new TdcSettings(budget, 16, 4, 3, 2, 2, true, true, 0, null);
    }

    /** The golden tiny Llama (hidden 32): a {@code runtime:} model of another width than the tiny TDC's. */
    static Path llama32() {
        return golden("llm/llama");
    }

    /**
     * A random-weight Llama of the golden one's layout (tokenizer, vocabulary, 2 layers, tied
     * embeddings) at any hidden size, for a {@code runtime:} model whose width matches the tiny
     * projector. The same recipe as the core's test fixture {@code TinyLlama}, which this module
     * cannot compile against.
     */
    static Path llama(Path dir, int hidden, long seed) throws IOException {
        Path golden = llama32();
        ObjectMapper json = new ObjectMapper();
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
        Arrays.fill(v, 1f);
        return v;
    }
}
