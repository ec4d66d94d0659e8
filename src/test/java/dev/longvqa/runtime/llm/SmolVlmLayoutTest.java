package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.HfCheckpoint;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.runtime.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.longvqa.runtime.llm.GoldenModels.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * SmolVLM (Idefics3) keeps its Llama decoder under {@code model.text_model.}, the decoder config
 * under {@code text_config}, an explicit {@code lm_head.weight}, and vision tensors beside it.
 * The golden Llama re-laid out that way must give the golden logits.
 */
class SmolVlmLayoutTest {
    @TempDir
    Path dir;

    @Test
    void theDecoderOfAnIdefics3CheckpointLoadsByItsRealNames() throws Exception {
        Path src = dir("llama");
        SafetensorsWriter w = new SafetensorsWriter();
        try (HfCheckpoint ckpt = HfCheckpoint.open(src)) {
            for (String name : ckpt.names()) {
                Safetensors.TensorInfo info = ckpt.info(name);
                float[] data = Safetensors.toFloats(ckptBytes(ckpt, name), info.dtype(), (int) info.elementCount());
                w.put(name.replaceFirst("^model\\.", "model.text_model."), info.shape(), data);
                if (name.equals("model.embed_tokens.weight")) w.put("lm_head.weight", info.shape(), data);
            }
        }
        w.put("model.vision_model.embeddings.patch_embedding.weight", new long[]{8, 3, 4, 4}, new float[8 * 3 * 16]);
        w.put("model.connector.modality_projection.proj.weight", new long[]{32, 128}, new float[32 * 128]);
        w.write(dir.resolve("model.safetensors"));

        ObjectMapper json = Json.mapper();
        JsonNode text = json.readTree(src.resolve("config.json").toFile());
        ObjectNode cfg = json.createObjectNode();
        cfg.put("model_type", "idefics3");
        cfg.putArray("architectures").add("Idefics3ForConditionalGeneration");
        ObjectNode textConfig = ((ObjectNode) text.deepCopy()).put("tie_word_embeddings", false);
        cfg.set("text_config", textConfig);
        cfg.set("vision_config", json.createObjectNode().put("hidden_size", 8));
        json.writeValue(dir.resolve("config.json").toFile(), cfg);
        Files.copy(src.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        json.writeValue(dir.resolve("tokenizer_config.json").toFile(),
                json.createObjectNode().put("chat_template", "<|im_start|>{% for message in messages %}...<end_of_utterance>\n{% endfor %}"));

        JsonNode g = golden("llama");
        try (CausalLm lm = CausalLm.load(dir)) {
            assertThat(lm.chatTemplate()).isEqualTo(ChatTemplate.IDEFICS3);
            assertThat(lm.config().modelType()).isEqualTo("idefics3");
            float[][] actual = lm.logits(List.of(PromptPart.tokens(longs(g.get("ids")))));
            float[][] expected = matrix(g.get("logits"));
            for (int t = 0; t < expected.length; t++) {
                for (int v = 0; v < expected[t].length; v++) assertThat(actual[t][v]).isCloseTo(expected[t][v], within(1e-4f));
            }
        }
    }

    private static java.nio.ByteBuffer ckptBytes(HfCheckpoint ckpt, String name) throws Exception {
        Path shard = ckpt.dir().resolve(Json.mapper().readTree(ckpt.dir().resolve("model.safetensors.index.json").toFile())
                .path("weight_map").path(name).asText());
        try (Safetensors st = Safetensors.open(shard)) {
            java.nio.ByteBuffer b = st.bytes(name);
            java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(b.remaining()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            copy.put(b).flip();
            return copy;
        }
    }

    @Test
    void aCheckpointThatDoesNotFitItsConfigNamesTheTensor() throws Exception {
        Path src = dir("qwen2");
        for (String f : new String[]{"tokenizer.json", "model.safetensors"}) Files.copy(src.resolve(f), dir.resolve(f));
        ObjectNode cfg = (ObjectNode) Json.mapper().readTree(src.resolve("config.json").toFile());
        cfg.put("intermediate_size", 40);
        Json.mapper().writeValue(dir.resolve("config.json").toFile(), cfg);
        assertThatThrownBy(() -> CausalLm.load(dir))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE))
                .hasMessageMatching("(?s).*model\\.layers\\.0\\.mlp\\.(gate|up|down)_proj\\.weight has shape \\[(48, 32|32, 48)\\].*");
    }

    @Test
    void aDirectoryWithoutACheckpointIsModelUnavailable() {
        assertThatThrownBy(() -> CausalLm.load(dir))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE))
                .hasMessageContaining("config.json").hasMessageContaining("tokenizer.json");
    }
}
