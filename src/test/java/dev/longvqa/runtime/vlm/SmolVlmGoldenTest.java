package dev.longvqa.runtime.vlm;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    void imageTokensAndTheAnswerAfterThemMatchTheReference() throws Exception {
        JsonNode g = new ObjectMapper().readTree(dir().resolve("golden.json").toFile());
        try (SmolVlm vlm = SmolVlm.load(dir(), Device.cpu())) {
            assertThat(vlm.visionConfig().tokensPerImage()).isEqualTo(g.get("image_tokens").size());
            PromptPart.Embeddings tokens = vlm.imageTokens(floats(g.get("pixels")));
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
