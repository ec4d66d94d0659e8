package dev.longvqa.runtime.vlm;

import dev.longvqa.contract.Json;
import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.runtime.llm.Generation;
import dev.longvqa.runtime.llm.GenerationConfig;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The SmolVLM (Idefics3) vision path against tools/golden/llm_golden.py: a tiny SigLIP tower and
 * connector with the real tensor names, on top of the Llama golden decoder.
 */
class SmolVlmGoldenTest {

    private static Path dir() throws Exception {
        return Path.of(SmolVlmGoldenTest.class.getResource("/golden/llm/smolvlm/config.json").toURI()).getParent();
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.get(i).asDouble();
        return out;
    }

    private static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asLong();
        return out;
    }

    @Test
    void imagesFollowTheCheckpointsPreprocessorConfig(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        // the golden checkpoint plus a preprocessor_config.json that splits (tile = the tower's 32 px)
        for (String f : new String[]{"config.json", "tokenizer.json", "model.safetensors"}) {
            java.nio.file.Files.copy(dir().resolve(f), tmp.resolve(f));
        }
        java.nio.file.Files.writeString(tmp.resolve("preprocessor_config.json"), """
                {"do_resize": true, "size": {"longest_edge": 96}, "do_image_splitting": true,
                 "max_image_size": {"longest_edge": 32}, "resample": 1, "rescale_factor": 0.00392156862745098,
                 "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}""");
        try (SmolVlm vlm = SmolVlm.load(tmp, Device.cpu())) {
            dev.longvqa.video.RgbImage frame = new dev.longvqa.video.RgbImage(64, 36, new byte[64 * 36 * 3]);
            List<PromptPart> parts = vlm.imagePrompt(frame);
            // 64x36 -> longest edge 96 (96x54) -> up to multiples of 32 (96x64): 2 rows x 3 columns + the global image
            var tiles = vlm.preprocessor().process(frame);
            assertThat(tiles.rows()).isEqualTo(2);
            assertThat(tiles.cols()).isEqualTo(3);
            assertThat(parts.stream().filter(p -> p instanceof PromptPart.InputEmbeddings)).hasSize(7);
            assertThat(((PromptPart.Untokenized) parts.getFirst()).text()).isEqualTo("<fake_token_around_image><row_1_col_1>");
            // each tile is what imageTokens makes of that tile's pixels
            PromptPart.InputEmbeddings first = (PromptPart.InputEmbeddings) parts.get(1);
            assertThat(first.data()).containsExactly(vlm.imageTokens(tiles.tiles().getFirst()).data());
        }
        try (SmolVlm plain = SmolVlm.load(dir(), Device.cpu())) {
            assertThat(plain.imagePrompt(new dev.longvqa.video.RgbImage(64, 36, new byte[64 * 36 * 3]))
                    .stream().filter(p -> p instanceof PromptPart.InputEmbeddings)).hasSize(1);
        }
    }

    @Test
    void imageTokensAndTheAnswerAfterThemMatchTheReference() throws Exception {
        JsonNode g = Json.mapper().readTree(dir().resolve("golden.json").toFile());
        try (SmolVlm vlm = SmolVlm.load(dir(), Device.cpu())) {
            assertThat(vlm.visionConfig().tokensPerImage()).isEqualTo(g.get("image_tokens").size());
            PromptPart.InputEmbeddings tokens = vlm.imageTokens(floats(g.get("pixels")));
            JsonNode expected = g.get("image_tokens");
            for (int r = 0; r < expected.size(); r++) {
                for (int c = 0; c < expected.get(r).size(); c++) {
                    assertThat(tokens.data()[r * tokens.dim() + c]).as("token %d dim %d", r, c)
                            .isCloseTo((float) expected.get(r).get(c).asDouble(), within(1e-4f));
                }
            }
            List<PromptPart> prompt = List.of(PromptPart.tokens(longs(g.get("prefix_ids"))), tokens,
                    PromptPart.tokens(longs(g.get("suffix_ids"))));
            float[][] logits = vlm.language().logits(prompt);
            float[] last = logits[logits.length - 1];
            float[] want = floats(g.get("last_logits"));
            for (int v = 0; v < want.length; v++) assertThat(last[v]).isCloseTo(want[v], within(1e-4f));
            Generation out = vlm.language().generate(prompt, GenerationConfig.greedy(6));
            assertThat(out.tokenIds()).containsExactly(longs(g.get("greedy")));
        }
    }

    @Test
    void framesAreResizedAndNormalisedToMinusOneOne() {
        byte[] px = new byte[4 * 2 * 3];
        for (int i = 0; i < 8; i++) {
            px[i * 3] = (byte) 255;     // red full
            px[i * 3 + 1] = 0;          // green none
            px[i * 3 + 2] = (byte) 128; // blue half
        }
        float[] out = SmolVlm.normalise(new RgbImage(4, 2, px), 3);
        for (int i = 0; i < 9; i++) {
            assertThat(out[i]).isEqualTo(1f);
            assertThat(out[9 + i]).isEqualTo(-1f);
            assertThat(out[18 + i]).isCloseTo(128 / 127.5f - 1, within(1e-6f));
        }
        // A left-to-right ramp stays a ramp after resampling.
        byte[] ramp = new byte[8 * 1 * 3];
        for (int x = 0; x < 8; x++) for (int c = 0; c < 3; c++) ramp[x * 3 + c] = (byte) (x * 32);
        float[] r = SmolVlm.normalise(new RgbImage(8, 1, ramp), 4);
        for (int x = 1; x < 4; x++) assertThat(r[x]).isGreaterThan(r[x - 1]);
    }
}
