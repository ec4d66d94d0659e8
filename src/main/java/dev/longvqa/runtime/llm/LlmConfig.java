package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder hyper-parameters of a Hugging Face {@code config.json}, for the Llama and Qwen2
 * families. A vision-language checkpoint (Idefics3/SmolVLM) nests them under {@code text_config};
 * LLaVA-style checkpoints such as TDC's keep them at the top level next to their vision settings.
 * Missing fields take the defaults of transformers' {@code LlamaConfig} / {@code Qwen2Config}.
 */
public record LlmConfig(Family family, String modelType, int vocabSize, int hiddenSize, int intermediateSize,
                        int numLayers, int numHeads, int numKvHeads, int headDim, double rmsNormEps,
                        double ropeTheta, RopeScaling ropeScaling, boolean tieWordEmbeddings,
                        int maxPositions, List<Integer> eosTokenIds, Integer bosTokenId) {

    public enum Family { LLAMA, QWEN2 }

    private static final ObjectMapper JSON = Json.mapper();

    public LlmConfig {
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(numHeads + " attention heads cannot share " + numKvHeads + " key/value heads");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    public static LlmConfig read(Path configJson) throws IOException {
        return fromJson(JSON.readTree(configJson.toFile()));
    }

    public static LlmConfig fromJson(JsonNode root) {
        JsonNode c = root.has("text_config") ? root.get("text_config") : root;
        String type = c.path("model_type").asText(root.path("model_type").asText("llama"));
        String arch = root.path("architectures").path(0).asText("");
        Family family = type.contains("qwen") || arch.toLowerCase().contains("qwen") ? Family.QWEN2 : Family.LLAMA;
        int hidden = c.path("hidden_size").asInt(4096);
        int heads = c.path("num_attention_heads").asInt(32);
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        List<Integer> eos = ids(c.has("eos_token_id") ? c.get("eos_token_id") : root.path("eos_token_id"));
        JsonNode bos = c.has("bos_token_id") ? c.get("bos_token_id") : root.path("bos_token_id");
        // The outer type names the checkpoint (idefics3, llava_qwen...); the family comes from the decoder's.
        return new LlmConfig(family, root.path("model_type").asText(type),
                c.path("vocab_size").asInt(family == Family.QWEN2 ? 151936 : 32000),
                hidden,
                c.path("intermediate_size").asInt(family == Family.QWEN2 ? 22016 : 11008),
                c.path("num_hidden_layers").asInt(32),
                heads,
                c.path("num_key_value_heads").asInt(heads),
                headDim,
                c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(10000),
                RopeScaling.fromJson(c.get("rope_scaling")),
                c.path("tie_word_embeddings").asBoolean(root.path("tie_word_embeddings").asBoolean(false)),
                c.path("max_position_embeddings").asInt(family == Family.QWEN2 ? 32768 : 2048),
                eos,
                bos.isNumber() ? bos.asInt() : null);
    }

    private static List<Integer> ids(JsonNode node) {
        List<Integer> out = new ArrayList<>();
        if (node.isArray()) node.forEach(n -> out.add(n.asInt()));
        else if (node.isNumber()) out.add(node.asInt());
        return out;
    }

    /** Query heads per key/value head (grouped-query attention). */
    public int groups() {
        return numHeads / numKvHeads;
    }

    /** Decoder parameters, embeddings included once even when tied. */
    public long parameterCount() {
        long attn = (long) hiddenSize * headDim * (2L * numHeads + 2L * numKvHeads);
        long mlp = 3L * hiddenSize * intermediateSize;
        long perLayer = attn + mlp + 2L * hiddenSize;
        long embed = (long) vocabSize * hiddenSize;
        return numLayers * perLayer + embed + hiddenSize + (tieWordEmbeddings ? 0 : embed);
    }

    /** For configs made in code rather than read from a checkpoint (benchmarks, tests). */
    public static Builder builder(Family family) {
        return new Builder(family);
    }

    public static final class Builder {
        private final Family family;
        private int vocab = 64, hidden = 32, intermediate = 64, layers = 2, heads = 4, kvHeads = 2, headDim = -1;
        private double eps = 1e-5, theta = 10000;
        private RopeScaling scaling = RopeScaling.NONE;
        private boolean tie;
        private int maxPositions = 2048;
        private List<Integer> eos = List.of();

        private Builder(Family family) {
            this.family = family;
        }

        public Builder vocabSize(int v) { vocab = v; return this; }
        public Builder hiddenSize(int v) { hidden = v; return this; }
        public Builder intermediateSize(int v) { intermediate = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder heads(int v) { heads = v; return this; }
        public Builder kvHeads(int v) { kvHeads = v; return this; }
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder rmsNormEps(double v) { eps = v; return this; }
        public Builder ropeTheta(double v) { theta = v; return this; }
        public Builder ropeScaling(RopeScaling v) { scaling = v; return this; }
        public Builder tieWordEmbeddings(boolean v) { tie = v; return this; }
        public Builder maxPositions(int v) { maxPositions = v; return this; }
        public Builder eosTokenIds(List<Integer> v) { eos = v; return this; }

        public LlmConfig build() {
            return new LlmConfig(family, family == Family.QWEN2 ? "qwen2" : "llama", vocab, hidden, intermediate,
                    layers, heads, kvHeads, headDim > 0 ? headDim : hidden / heads, eps, theta, scaling, tie,
                    maxPositions, eos, null);
        }
    }
}
