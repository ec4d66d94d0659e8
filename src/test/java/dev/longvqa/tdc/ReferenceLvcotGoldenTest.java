package dev.longvqa.tdc;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.runtime.llm.ChatMessage;
import dev.longvqa.runtime.llm.ChatTemplate;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LVCoT's parts and prompt text against the reference's own {@code eval/cot.py} and
 * {@code conv_qwen} (tools/golden/reference_golden.py): several part counts around the
 * 600/900-frame rule, remainders, fewer frames than parts.
 */
class ReferenceLvcotGoldenTest {
    private static JsonNode golden;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = ReferenceLvcotGoldenTest.class.getResourceAsStream("/golden/reference/reference_golden.json")) {
            golden = Json.mapper().readTree(in);
        }
    }

    /** Frames at 1 fps starting at 0.5 s (a sampler's usual offset), the video half a second longer. */
    private static TdcSegmentContext.FrameSource frames(int n) {
        return new TdcSegmentContext.FrameSource() {
            public int size() { return n; }
            public double timeOf(int i) { return i + 0.5; }
            public RgbImage image(int i) { throw new AssertionError("no image needed"); }
        };
    }

    @Test
    void partsHoldExactlyTheFramesTheReferenceGivesEachPart() {
        assertThat(golden.path("lvcot").size()).isGreaterThanOrEqualTo(8);
        for (JsonNode c : golden.path("lvcot")) {
            int n = c.path("frames").asInt(), parts = c.path("parts").asInt();
            TdcSegmentContext.FrameSource f = frames(n);
            double duration = n + 0.5;
            List<double[]> ranges = TdcSegmentContext.framePartRanges(f, duration, parts);
            List<List<Integer>> actual = new ArrayList<>();
            for (double[] r : ranges) {
                List<Integer> in = TdcSegmentContext.framesIn(f, duration, r[0], r[1]);
                actual.add(List.of(in.getFirst(), in.getLast() + 1));
            }
            List<List<Integer>> expected = new ArrayList<>();
            for (JsonNode r : c.path("ranges")) expected.add(List.of(r.get(0).asInt(), r.get(1).asInt()));
            assertThat(actual).as(n + " frames in " + parts + " parts").isEqualTo(expected);
            for (JsonNode q : c.path("qformerPrompts")) assertThat(q.asText()).isEqualTo(LvcotSettings.defaults().segmentPrompt());
            for (JsonNode m : c.path("maxNewTokens")) assertThat(m.asInt()).isEqualTo(LvcotSettings.defaults().segmentMaxTokens());
        }
    }

    /** The text around the image placeholder, as Java renders the reference profile's prompts with Qwen2's format. */
    private static String rendered(String afterImage) {
        List<PromptPart> parts = ChatTemplate.CHATML.apply(List.of(ChatMessage.system(LvcotSettings.REFERENCE_SYSTEM),
                ChatMessage.user(new PromptPart.InputEmbeddings(new float[2], 1, 2), PromptPart.text("\n" + afterImage))), true);
        StringBuilder sb = new StringBuilder();
        for (PromptPart p : parts) sb.append(p instanceof PromptPart.Untokenized t ? t.text() : "<image>");
        return sb.toString();
    }

    @Test
    void qwenPromptsAreTheReferenceConversationText() {
        JsonNode segment = golden.path("lvcot").get(0);
        assertThat(rendered(LvcotSettings.defaults().segmentPrompt())).isEqualTo(segment.path("prompts").get(0).asText());
        JsonNode fin = golden.path("finalQwen");
        List<String> think = new ArrayList<>();
        fin.path("think").forEach(t -> think.add(t.asText()));
        String text = "<think>" + String.join(" ", think) + "</think>" + fin.path("question").asText();
        assertThat(rendered(text)).isEqualTo(fin.path("prompt").asText());
        assertThat(fin.path("qformerPrompt").asText()).isEqualTo(fin.path("question").asText());
    }
}
