package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Java against the PyTorch goldens of tools/golden/tdc_golden.py: tiny random weights under the
 * real checkpoint names, tolerance 1e-4.
 */
class TdcGoldenTest {
    private static final double TOL = 1e-4;
    private static NDManager manager;
    private static Safetensors weights, io;
    private static SvaProjector projector;
    private static QFormerCompressor compressor;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager("PyTorch");
        weights = Golden.open("tdc_tiny.safetensors");
        io = Golden.open("tdc_tiny_io.safetensors");
        projector = SvaProjector.load(TdcWeights.of(weights), "model.", 2, manager);
        compressor = QFormerCompressor.load(TdcWeights.of(weights), "model.", 3, 4, manager);
    }

    @AfterAll
    static void close() throws Exception {
        manager.close();
        weights.close();
        io.close();
    }

    private static NDArray in(String name) {
        return NdArrays.load(manager, io, name);
    }

    private static void assertClose(NDArray actual, String golden) {
        NDArray expected = in(golden);
        assertThat(actual.getShape()).as(golden + " shape").isEqualTo(expected.getShape());
        assertThat(NdArrays.maxAbsDiff(NdArrays.floats(actual), NdArrays.floats(expected))).as(golden).isLessThan(TOL);
    }

    @Test
    void svaProjectorMatches() {
        assertThat(projector.towers()).isEqualTo(2);
        NDArray out = projector.forward(new NDList(in("towers.0"), in("towers.1")), null);
        assertClose(out, "projected");
    }

    @Test
    void svaProjectorHonoursTheUnpadMask() {
        NDArray mask = in("mask").toType(DataType.BOOLEAN, false);
        NDArray out = projector.forward(new NDList(in("towers.0"), in("towers.1")), mask);
        assertClose(out, "projected_masked");
        NDArray unmasked = projector.forward(new NDList(in("towers.0"), in("towers.1")), null);
        assertThat(NdArrays.maxAbsDiff(NdArrays.floats(out), NdArrays.floats(unmasked))).isGreaterThan(1e-3);
    }

    @Test
    void frameTokensAppendTheNewlinePerRow() {
        NDArray frames = projector.frameTokens(in("projected"), 2, 2, true);
        assertClose(frames, "frames");
        NDArray cropped = projector.frameTokens(in("projected"), 2, 1, true);
        assertThat(cropped.getShape().get(1)).isEqualTo(4);
    }

    @Test
    void qformerCompressionMatchesWithAndWithoutTheQuestion() {
        NDArray frames = in("frames");
        NDArray statics = frames.get(new NDIndex("0:1")).repeat(0, 3);
        NDArray others = frames.get(new NDIndex("1:4"));
        NDArray withText = compressor.compress(statics, others, in("text_ids"));
        assertClose(withText, "compressed");
        assertClose(compressor.compress(statics, others, null), "compressed_no_text");
        // The question changes the tokens: compression is question-conditioned.
        assertThat(NdArrays.maxAbsDiff(NdArrays.floats(withText), NdArrays.floats(in("compressed_no_text"))))
                .isGreaterThan(1e-3);
    }

    @Test
    void absorbedAndPlainCrossAttentionAgree() {
        NDArray frames = in("frames");
        NDArray statics = frames.get(new NDIndex("0:1")).repeat(0, 3);
        NDArray others = frames.get(new NDIndex("1:4"));
        try {
            compressor.qformer().absorbCrossAttention(false);
            assertClose(compressor.compress(statics, others, in("text_ids")), "compressed");
        } finally {
            compressor.qformer().absorbCrossAttention(true);
        }
    }

    @Test
    void adaptivePoolingBinsOverlapLikeTorch() {
        // t=5, k=3: bins [0,2) [1,4) [3,5)
        float[] m = NdArrays.floats(QFormerCompressor.poolMatrix(manager, 5, 3));
        assertThat(m).containsExactly(0.5f, 0.5f, 0, 0, 0, 0, 1f / 3, 1f / 3, 1f / 3, 0, 0, 0, 0, 0.5f, 0.5f);
    }

    private static TdcSettings tiny(int budget, int maxFrames) {
        return new TdcSettings(budget, 16, 4, 3, 2, 2, true, true, maxFrames, null);
    }

    @Test
    void contextLayoutMatchesTheReferenceLoop() {
        NDArray frames = in("frames");
        FrameTokenSource source = idx -> frames.get(new NDIndex("{}", manager.create(toLong(idx))));
        ContextBuilder b = new ContextBuilder(compressor, tiny(8192, 0), 5);
        NDArray ctx = b.build(List.of(6, 4), 0, source, in("text_ids"));
        assertClose(ctx, "context");
        // 3 chunks: 6+1+3*4 = 19, 6+1+4 = 11, 19
        assertThat(ctx.getShape().get(0)).isEqualTo(49);
    }

    @Test
    void trimmedContextMatchesTheReferenceTrim() {
        NDArray frames = in("frames");
        int[] requested = new int[1];
        FrameTokenSource source = idx -> {
            requested[0] = idx.length;
            return frames.get(new NDIndex("{}", manager.create(toLong(idx))));
        };
        // budget 256 - reserve 16 - text 200 leaves 40 visual tokens: 49 -> trim ceil(9/3) = 3 per chunk
        ContextBuilder b = new ContextBuilder(compressor, tiny(256, 100), 2);
        ContextPlan plan = b.plan(List.of(6, 4), 200);
        assertThat(plan.trimPerChunk()).isEqualTo(3);
        NDArray ctx = b.build(plan, source, in("text_ids"));
        assertClose(ctx, "context_trimmed");
        // chunk of 4 kept 16 of 19 tokens: its last compressed frame lost 2 of 3 tokens but stays;
        // chunk of 2 kept 8 of 11: its compressed frame keeps 1 token. All 10 frames are asked for.
        assertThat(requested[0]).isEqualTo(10);
    }

    @Test
    void mismatchedKIsRejected() {
        assertThatThrownBy(() -> new ContextBuilder(compressor, TdcSettings.defaults(), 8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stormPoolingMatches() {
        NDArray pooled = PoolingContext.pool(in("storm_in"), 4, 4, 3, 2);
        assertClose(pooled, "storm");
    }

    @Test
    void bilinearResizeMatchesTorchInterpolate() {
        NDArray grid = in("interp_in");
        assertClose(TokenGrids.resizeBilinear(grid, 4, 4), "interp_out");
    }

    static long[] toLong(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) l[i] = a[i];
        return l;
    }
}
