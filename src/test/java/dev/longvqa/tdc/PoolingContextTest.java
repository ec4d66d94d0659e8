package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pooling baseline's budget rule and layout, on frames whose values encode their index. */
class PoolingContextTest {
    // 2x2 grid + newline per row = 6 tokens of width 3; token (r, c) of frame f holds f*100 + r*10 + c.
    private static NDArray frames(NDManager m, int[] idx) {
        float[] v = new float[idx.length * 6 * 3];
        for (int i = 0; i < idx.length; i++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    float val = c == 2 ? -1000 : idx[i] * 100 + r * 10 + c; // newline column: must not be pooled
                    for (int ch = 0; ch < 3; ch++) v[((i * 2 + r) * 3 + c) * 3 + ch] = val;
                }
            }
        }
        return m.create(v, new Shape(idx.length, 6, 3));
    }

    @Test
    void temporalGroupGrowsUntilTheLayoutFitsAndPoolsTheGridOnly() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray sep = m.create(new float[]{7, 7, 7});
            // visual budget 256 - 16 - 229 = 11; the frame cap (11 - 1) / ((4 + 1*7) / 8 = 1) keeps
            // all 10 frames. Each group = 1 pooled token (2x2 -> 1) + 1 separator.
            // t=1: 10 groups = 20 tokens; t=2: scenes 6,4 -> 3 + 2 groups = 10 tokens: fits.
            TdcSettings s = new TdcSettings(256, 16, 8, 1, 2, 2, true, true, 100, null);
            PoolingContext p = new PoolingContext(s, 1, 2, sep);
            ContextPlan plan = p.plan(List.of(6, 4), 229);
            assertThat(plan.frames()).isEqualTo(10);
            assertThat(plan.chunks()).isEqualTo(5);
            assertThat(plan.visualTokens()).isEqualTo(10);
            NDArray out = p.build(List.of(6, 4), 229, idx -> frames(m, idx), null);
            assertThat(out.getShape()).isEqualTo(new Shape(10, 3));
            float[] v = out.toFloatArray();
            // group 0 = frames 0,1: mean over frames and the 4 grid cells (0,1,10,11 + 100,101,110,111) = 55.5
            assertThat(v[0]).isCloseTo(55.5f, within(1e-4f));
            assertThat(v[3]).isEqualTo(7f); // separator
            // group 3 = frames 6,7 (second scene starts a new group): 655.5
            assertThat(v[6 * 3]).isCloseTo(655.5f, within(1e-4f));
        }
    }
}
