package dev.longvqa.runtime.vlm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.runtime.vision.ImagePreprocessor;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SmolVLM's image processor against tools/golden/idefics3_golden.py: Pillow's own Lanczos resize
 * and the Idefics3 size/tiling arithmetic, landscape, portrait, square, odd and extreme shapes,
 * with and without splitting; every resampled byte must match.
 */
class Idefics3PreprocessorTest {
    private static JsonNode golden;
    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = Idefics3PreprocessorTest.class.getResourceAsStream("/golden/smolvlm/idefics3_preprocess.json")) {
            golden = Json.mapper().readTree(in);
        }
    }

    private Idefics3Preprocessor fromConfig(boolean split) throws Exception {
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) golden.path("config").deepCopy();
        config.put("do_image_splitting", split);
        Files.writeString(dir.resolve("preprocessor_config.json"), config.toString());
        return Idefics3Preprocessor.fromCheckpoint(dir, 512);
    }

    private static byte[] bytes(JsonNode a) {
        byte[] b = new byte[a.size()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) a.get(i).asInt();
        return b;
    }

    @Test
    void tilesMatchTheProcessorByteForByte() throws Exception {
        for (JsonNode c : golden.path("cases")) {
            Idefics3Preprocessor p = fromConfig(c.path("split").asBoolean());
            assertThat(p.filter()).isEqualTo(ImagePreprocessor.Filter.LANCZOS);
            RgbImage img = new RgbImage(c.path("width").asInt(), c.path("height").asInt(), bytes(c.path("pixels")));
            String label = c.path("width") + "x" + c.path("height") + " split=" + c.path("split");
            Idefics3Preprocessor.Tiles t = p.tiles(img);
            assertThat(t.rows()).as(label).isEqualTo(c.path("rows").asInt());
            assertThat(t.cols()).as(label).isEqualTo(c.path("cols").asInt());
            assertThat(t.images()).as(label).hasSize(c.path("tiles").size());
            for (int i = 0; i < t.images().size(); i++) {
                JsonNode g = c.path("tiles").get(i);
                assertThat(t.images().get(i).width()).isEqualTo(g.path("width").asInt());
                assertThat(t.images().get(i).pixels()).as(label + " tile " + i).isEqualTo(bytes(g.path("rgb")));
            }
            if (c.has("firstTileNormalised")) {
                float[] n = p.process(img).tiles().getFirst();
                JsonNode e = c.path("firstTileNormalised");
                assertThat(n).hasSize(e.size());
                for (int i = 0; i < n.length; i++) assertThat((double) n[i]).isCloseTo(e.get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void thePromptLaysTilesOutLikeTheProcessor() {
        var p = new Idefics3Preprocessor.Processed(2, 2, List.of(new float[1], new float[1], new float[1], new float[1], new float[1]));
        StringBuilder sb = new StringBuilder();
        for (PromptPart part : Idefics3Preprocessor.prompt(p, f -> new PromptPart.InputEmbeddings(new float[2], 1, 2))) {
            sb.append(part instanceof PromptPart.Untokenized t ? t.text() : "<image>");
        }
        assertThat(sb.toString()).isEqualTo("<fake_token_around_image><row_1_col_1><image><fake_token_around_image><row_1_col_2><image>\n"
                + "<fake_token_around_image><row_2_col_1><image><fake_token_around_image><row_2_col_2><image>\n"
                + "\n<fake_token_around_image><global-img><image><fake_token_around_image>");
        var single = new Idefics3Preprocessor.Processed(0, 0, List.<float[]>of(new float[1]));
        assertThat(Idefics3Preprocessor.prompt(single, f -> new PromptPart.InputEmbeddings(new float[2], 1, 2))).hasSize(3);
    }

    @Test
    void withoutAConfigOneSquareImage() throws Exception {
        Idefics3Preprocessor p = Idefics3Preprocessor.fromCheckpoint(dir, 64);
        assertThat(p.splitImages()).isFalse();
        assertThat(p.tiles(new RgbImage(100, 50, new byte[100 * 50 * 3])).images()).singleElement()
                .satisfies(i -> assertThat(i.width()).isEqualTo(64));
    }
}
