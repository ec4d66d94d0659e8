package dev.longvqa.tdc;

import dev.longvqa.contract.Json;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scene split against the reference's own {@code adapt_segment} and frame cap
 * ({@code get_max_num_frames}), run by tools/golden/reference_golden.py on random features:
 * frame counts around the 25-frame and 224-frame edges, long prompts, a small budget.
 */
class ReferenceSceneSplitTest {
    private static JsonNode golden;
    private static NDManager manager;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = ReferenceSceneSplitTest.class.getResourceAsStream("/golden/reference/reference_golden.json")) {
            golden = Json.mapper().readTree(in);
        }
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    /** The reference's 224 at every budget (the default scales it with the budget above 8K: a documented deviation). */
    private static TdcSettings referenceSettings(int budget) {
        return TdcSettings.defaults().withBudget(budget).withMaxFrames(TdcSettings.REFERENCE_MAX_FRAMES);
    }

    @Test
    void capSimilaritiesAndSceneStartsMatchTheReference() {
        assertThat(golden.path("split").size()).isGreaterThanOrEqualTo(10);
        for (JsonNode c : golden.path("split")) {
            int frames = c.path("frames").asInt(), text = c.path("textTokens").asInt();
            String label = frames + " frames, " + text + " text tokens, budget " + c.path("budget").asInt();
            int[] selected = TdcPlanner.selectFrames(frames, text, referenceSettings(c.path("budget").asInt()));
            assertThat(selected).as(label + ": capped frames").containsExactly(ints(c.path("selected")));

            int n = selected.length, d = c.path("tokens").asInt() * c.path("dim").asInt();
            float[] feats = new float[n * d];
            for (int i = 0; i < feats.length; i++) feats[i] = (float) c.path("features").get(i).asDouble();
            NDArray rows = manager.create(feats, new Shape(n, d));
            float[] sims = ProjectedFrames.cosineConsecutive(rows);
            JsonNode expected = c.path("similarities");
            assertThat(sims).as(label + ": similarity count").hasSize(Math.max(0, n - 1));
            double[] simsD = new double[sims.length];
            for (int i = 0; i < sims.length; i++) {
                assertThat((double) sims[i]).as(label + ": similarity " + i).isCloseTo(expected.get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
                simsD[i] = sims[i];
            }
            int[] starts = ReferenceSceneSplit.sceneStarts(n, simsD, ReferenceSceneSplit.MAX_SEGMENTS);
            assertThat(starts).as(label + ": scene starts").containsExactly(ints(c.path("sceneStarts")));
        }
    }

    @Test
    void thePlannerChunksEachReferenceSceneOnItsOwn() {
        TdcSettings s = referenceSettings(8192);
        for (JsonNode c : golden.path("split")) {
            if (c.path("budget").asInt() != 8192) continue;
            int frames = c.path("frames").asInt(), text = c.path("textTokens").asInt();
            int[] selected = ints(c.path("selected"));
            int[] starts = ints(c.path("sceneStarts"));
            List<Integer> perScene = ReferenceSceneSplit.framesPerScene(frames, selected, starts);
            assertThat(perScene.stream().mapToInt(Integer::intValue).sum()).isEqualTo(frames);
            ContextPlan plan = TdcPlanner.plan(perScene, text, s);

            // the reference's loop: split the capped frames at the starts, 8-frame chunks in each segment
            List<List<Integer>> expected = new ArrayList<>();
            List<Integer> bounds = new ArrayList<>(List.of(0));
            for (int p : starts) bounds.add(p);
            bounds.add(selected.length);
            for (int b = 0; b + 1 < bounds.size(); b++) {
                for (int from = bounds.get(b); from < bounds.get(b + 1); from += 8) {
                    List<Integer> chunk = new ArrayList<>();
                    for (int i = from; i < Math.min(from + 8, bounds.get(b + 1)); i++) chunk.add(selected[i]);
                    expected.add(chunk);
                }
            }
            List<List<Integer>> actual = plan.chunkDetail().stream().map(ChunkPlan::frameIndices).toList();
            assertThat(actual).as(frames + " frames").isEqualTo(expected);
        }
    }

    @Test
    void theFrameCapIgnoresTheVideosShapeLikeTheReference() {
        // get_max_num_frames: (8192 - (3000 + 1) - 16) // 32 = 161 whatever the aspect ratio
        TdcSettings square = TdcSettings.defaults();
        TdcSettings wide = square.forVideo(640, 360, true);
        assertThat(wide.gridCols()).isLessThan(wide.gridRows());
        assertThat(TdcPlanner.selectFrames(2000, 3000, square)).hasSize(161);
        assertThat(TdcPlanner.selectFrames(2000, 3000, wide)).hasSize(161);
        assertThat(TdcPlanner.selectFrames(2000, 3000, square.forVideo(360, 640, false))).hasSize(161);
    }

    @Test
    void upToTwentyFiveCappedFramesEachFrameIsAScene() {
        assertThat(ReferenceSceneSplit.needsSimilarities(25, 24)).isFalse();
        assertThat(ReferenceSceneSplit.needsSimilarities(26, 24)).isTrue();
        assertThat(ReferenceSceneSplit.sceneStarts(25, new double[0], 24)).hasSize(24).startsWith(1, 2).endsWith(24);
        assertThat(ReferenceSceneSplit.framesPerScene(3, new int[]{0, 1, 2}, new int[]{1, 2})).containsExactly(1, 1, 1);
        // ties go to the earlier pair
        assertThat(ReferenceSceneSplit.sceneStarts(4, new double[]{0.5, 0.5, 0.9}, 1)).containsExactly(1);
        assertThatThrownBy(() -> ReferenceSceneSplit.sceneStarts(30, new double[3], 24)).isInstanceOf(IllegalArgumentException.class);
    }
}
