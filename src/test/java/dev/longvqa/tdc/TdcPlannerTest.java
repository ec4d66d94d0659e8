package dev.longvqa.tdc;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Expected numbers are worked out by hand in each test from the reference's rules: a static
 * frame is 12 rows x (12 + 1 newline) = 156 tokens, a chunk of n frames is
 * 156 + 1 + (n-1) * (16 + 1) tokens, budget for visual tokens is budget - 16 - text.
 */
class TdcPlannerTest {
    private static final TdcSettings DEF = TdcSettings.defaults();

    @Test
    void smallVideoKeepsEverythingAndSplitsScenesIntoChunksOfEight() {
        // scenes 10, 1, 17 -> chunks (8,2) (1) (8,8,1)
        ContextPlan p = TdcPlanner.plan(List.of(10, 1, 17), 100, DEF);
        int chunk8 = 156 + 1 + 7 * 17, chunk2 = 156 + 1 + 17, chunk1 = 157;
        int visual = chunk8 + chunk2 + chunk1 + chunk8 + chunk8 + chunk1;
        assertThat(visual).isEqualTo(1316);
        assertThat(p.frames()).isEqualTo(28);
        assertThat(p.scenes()).isEqualTo(3);
        assertThat(p.chunks()).isEqualTo(6);
        assertThat(p.staticTokens()).isEqualTo(6 * 156);
        assertThat(p.compressedTokens()).isEqualTo((7 + 1 + 7 + 7) * 16);
        assertThat(p.separatorTokens()).isEqualTo(6 + 22);
        assertThat(p.totalTokens()).isEqualTo(visual + 100);
        assertThat(p.trimPerChunk()).isZero();
        assertThat(p.lvcotSegments()).isEqualTo(1);
        assertThat(p.chunkDetail().get(1).frameIndices()).containsExactly(8, 9);
        assertThat(p.chunkDetail().get(2).frameIndices()).containsExactly(10);
        assertThat(p.chunkDetail().get(5).frameIndices()).containsExactly(27);
    }

    @Test
    void eightKDefaultCapsAt224FramesLikeTheReference() {
        // (8192 - (100 + 1 placeholder) - 16) / 32 = 252 > 224, so 224 frames: int(i * 2940/224)
        ContextPlan p = TdcPlanner.plan(List.of(2940), 100, DEF);
        assertThat(p.frames()).isEqualTo(224);
        assertThat(p.framesWithTokens()).isEqualTo(224);
        assertThat(p.chunks()).isEqualTo(28);
        assertThat(p.staticTokens()).isEqualTo(28 * 156);
        assertThat(p.compressedTokens()).isEqualTo(28 * 7 * 16);
        assertThat(p.separatorTokens()).isEqualTo(224);
        assertThat(p.totalTokens()).isEqualTo(28 * 276 + 100);
        assertThat(p.lvcotSegments()).isEqualTo(3);
        // 13.125 * i, truncated
        assertThat(p.chunkDetail().get(0).frameIndices()).containsExactly(0, 13, 26, 39, 52, 65, 78, 91);
        assertThat(p.chunkDetail().get(27).frameIndices().get(7)).isEqualTo(2926);
    }

    @Test
    void aLongPromptLowersTheCapThroughTheBudgetFormula() {
        // (8192 - 4001 - 16) / 32 = 130 frames
        ContextPlan p = TdcPlanner.plan(List.of(700), 4000, DEF);
        assertThat(p.frames()).isEqualTo(130);
        assertThat(p.lvcotSegments()).isEqualTo(2);
    }

    @Test
    void uniformSamplingAssignsKeptFramesToTheirScenes() {
        // 10 frames, cap 4: interval 2.5 -> 0, 2, 5, 7; scenes [0,3) [3,6) [6,10)
        ContextPlan p = TdcPlanner.plan(List.of(3, 3, 4), 10, DEF.withMaxFrames(4));
        assertThat(p.chunkDetail()).extracting(ChunkPlan::frameIndices)
                .containsExactly(List.of(0, 2), List.of(5), List.of(7));
        assertThat(p.chunkDetail()).extracting(ChunkPlan::scene).containsExactly(0, 1, 2);
        assertThat(p.frames()).isEqualTo(4);
        assertThat(p.scenes()).isEqualTo(3);
    }

    @Test
    void overBudgetEveryChunkLosesTheSameTailLength() {
        // 20 scenes x 3 frames = 20 chunks of 156+1+2*17 = 191 -> 3820 visual tokens.
        // budget 3900, text 100: 3784 allowed, excess 36 over 20 chunks -> 2 per chunk:
        // each chunk loses its last separator and the last token of its last compressed frame.
        List<Integer> scenes = Collections.nCopies(20, 3);
        ContextPlan p = TdcPlanner.plan(scenes, 100, DEF.withBudget(3900));
        assertThat(p.trimPerChunk()).isEqualTo(2);
        assertThat(p.staticTokens()).isEqualTo(20 * 156);
        assertThat(p.compressedTokens()).isEqualTo(20 * 31);
        assertThat(p.separatorTokens()).isEqualTo(20 * 2);
        assertThat(p.frames()).isEqualTo(60);
        assertThat(p.framesWithTokens()).isEqualTo(60); // every frame keeps tokens: 2 compressed ones lose 1 each
        assertThat(p.totalTokens()).isEqualTo(3780 + 100);
        assertThat(p.chunkDetail().get(0).keptTokens()).isEqualTo(189);
    }

    @Test
    void heavyTrimmingCanCutIntoStaticFramesAndDropFrames() {
        // Same 20 chunks, budget 2048: allowed 1932, excess 1888 -> ceil(94.4) = 95 per chunk,
        // each keeps 96 tokens: part of its static frame, nothing else. 20 of 60 frames remain.
        List<Integer> scenes = Collections.nCopies(20, 3);
        ContextPlan p = TdcPlanner.plan(scenes, 100, DEF.withBudget(2048).withMaxFrames(1000));
        assertThat(p.frames()).isEqualTo(60);
        assertThat(p.trimPerChunk()).isEqualTo(95);
        assertThat(p.staticTokens()).isEqualTo(20 * 96);
        assertThat(p.compressedTokens()).isZero();
        assertThat(p.separatorTokens()).isZero();
        assertThat(p.framesWithTokens()).isEqualTo(20);
        assertThat(p.scenes()).isEqualTo(20);
        assertThat(p.totalTokens()).isEqualTo(1920 + 100).isLessThanOrEqualTo(2048 - 16);
    }

    @Test
    void fortyNineMinutesAt8KIn24ScenesKeepsThe224FrameCapAndTrimsEveryChunkEvenly() {
        // The cap picks frame int(13.125 i), i < 224. Cut the 2940 frames so that 16 scenes hold 9
        // picked frames and 8 hold 10: chunks (8,1) x16 and (8,2) x8 = 48 chunks,
        // 24*276 + 16*157 + 8*174 = 10528 tokens for 8192 - 16 - 100 = 8076 allowed:
        // excess 2452, ceil(2452 / 48) = 52 off every chunk's end.
        List<Integer> scenes = new java.util.ArrayList<>();
        int picked = 0, start = 0;
        for (int s = 0; s < 24; s++) {
            picked += s < 16 ? 9 : 10;
            int end = s == 23 ? 2940 : (int) Math.floor(13.125 * picked); // first picked frame of the next scene
            scenes.add(end - start);
            start = end;
        }
        ContextPlan p = TdcPlanner.plan(scenes, 100, DEF);
        assertThat(p.frames()).isEqualTo(224);
        assertThat(p.scenes()).isEqualTo(24);
        assertThat(p.chunks()).isEqualTo(48);
        assertThat(p.trimPerChunk()).isEqualTo(52);
        // chunk of 8 keeps 224 = static 156 + sep + 3 x (16 + sep) + 16: 5 frames keep tokens;
        // chunk of 1 keeps 105 static tokens, chunk of 2 keeps 122: their static frame only.
        assertThat(p.staticTokens()).isEqualTo(24 * 156 + 16 * 105 + 8 * 122);
        assertThat(p.compressedTokens()).isEqualTo(24 * 4 * 16);
        assertThat(p.separatorTokens()).isEqualTo(24 * 4);
        assertThat(p.framesWithTokens()).isEqualTo(24 * 5 + 16 + 8);
        assertThat(p.totalTokens()).isEqualTo(8032 + 100).isLessThanOrEqualTo(8192 - 16);
    }

    @Test
    void fortyNineMinutesAt128KKeepsEveryFrameUnder120K() {
        // 2940 frames in 28 scenes of 105 = 13 chunks of 8 + 1 single-frame chunk each.
        // cap: 224 * 16 = 3584 and (131072 - 101 - 16) / 32 = 4092, both above 2940.
        List<Integer> scenes = Collections.nCopies(28, 105);
        ContextPlan p = TdcPlanner.plan(scenes, 100, DEF.withBudget(TdcSettings.parseBudget("128K")));
        int chunks = 28 * 14;
        assertThat(p.frames()).isEqualTo(2940);
        assertThat(p.chunks()).isEqualTo(chunks);
        assertThat(p.staticTokens()).isEqualTo(chunks * 156);
        assertThat(p.compressedTokens()).isEqualTo((2940 - chunks) * 16);
        assertThat(p.separatorTokens()).isEqualTo(2940);
        assertThat(p.totalTokens()).isEqualTo(61_152 + 40_768 + 2_940 + 100).isLessThanOrEqualTo(120_000);
        assertThat(p.trimPerChunk()).isZero();
    }

    @Test
    void separatorsAndNewlinesCanBeTurnedOff() {
        TdcSettings s = new TdcSettings(8192, 16, 8, 16, 12, 12, false, false, 0, null);
        ContextPlan p = TdcPlanner.plan(List.of(8), 0, s);
        assertThat(p.totalTokens()).isEqualTo(144 + 7 * 16);
    }

    @Test
    void unpaddedGridFollowsTheReferenceIncludingItsSwappedSizes() {
        // 640x360: correct unpad keeps int(360*12/640)=6 rows -> padding 3 -> 6 rows x 12 cols.
        assertThat(DEF.forVideo(640, 360, false).staticFrameTokens()).isEqualTo(6 * 13);
        // reference passes (h, w) as (w, h): 12 rows x 6 cols (+1 newline).
        TdcSettings quirk = DEF.forVideo(640, 360, true);
        assertThat(quirk.gridRows()).isEqualTo(12);
        assertThat(quirk.gridCols()).isEqualTo(6);
        assertThat(DEF.forVideo(500, 500, true).staticFrameTokens()).isEqualTo(156);
    }

    @Test
    void serialisesTheContractFieldsInOrderThenFramesWithTokens() throws Exception {
        JsonNode json = Json.mapper().valueToTree(TdcPlanner.plan(List.of(5, 5), 50, DEF));
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("frames", "scenes", "chunks", "staticTokens", "compressedTokens",
                "separatorTokens", "totalTokens", "lvcotSegments", "framesWithTokens");
        assertThat(json.get("chunks").asInt()).isEqualTo(2);
    }

    @Test
    void lvcotPartsAreEqualFloorDividedRangesAndSliceScenes() {
        // 2940 / 3 = 980 each; 1000 / 3 = 333 each, frame 999 belongs to no part (cot.py)
        assertThat(TdcPlanner.lvcotParts(2940, 3)).containsExactly(new TdcPlanner.FrameRange(0, 980),
                new TdcPlanner.FrameRange(980, 1960), new TdcPlanner.FrameRange(1960, 2940));
        assertThat(TdcPlanner.lvcotParts(1000, 3).get(2)).isEqualTo(new TdcPlanner.FrameRange(666, 999));
        // scenes 10, 5, 20 (frames [0,10) [10,15) [15,35)); range [8, 17) covers 2 + 5 + 2
        assertThat(TdcPlanner.slice(List.of(10, 5, 20), new TdcPlanner.FrameRange(8, 17))).containsExactly(2, 5, 2);
        assertThat(TdcPlanner.slice(List.of(10, 5, 20), new TdcPlanner.FrameRange(10, 15))).containsExactly(5);
    }

    @Test
    void settingsRoundTripThroughJson() throws Exception {
        ObjectMapper json = Json.mapper();
        TdcSettings s = DEF.withBudget(131072).withMaxFrames(3000);
        TdcSettings back = json.readValue(json.writeValueAsString(s), TdcSettings.class);
        assertThat(back).isEqualTo(s);
        assertThat(back.lvcot().segments(700)).isEqualTo(2);
    }

    @Test
    void lvcotRuleAndBudgetParsing() {
        assertThat(dev.longvqa.reason.LvcotRule.REFERENCE.segments(899)).isEqualTo(2);
        assertThat(dev.longvqa.reason.LvcotRule.REFERENCE.segments(900)).isEqualTo(3);
        assertThat(dev.longvqa.reason.LvcotRule.REFERENCE.segments(599)).isEqualTo(1);
        assertThat(TdcSettings.parseBudget("8k")).isEqualTo(8192);
        assertThatThrownBy(() -> DEF.withBudget(200_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
