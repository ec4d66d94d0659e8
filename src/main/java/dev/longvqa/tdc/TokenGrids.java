package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Token-grid resampling the vision towers need between encoder and projector. */
final class TokenGrids {
    private TokenGrids() {}

    /**
     * torch {@code F.interpolate(mode="bilinear", align_corners=False)} over (B, H, W, C) grids.
     * The reference resizes both towers' 27x27 patch grids (384/14, 378/14) to 24x24 = 576 tokens.
     */
    public static NDArray resizeBilinear(NDArray grid, int outH, int outW) {
        Shape s = grid.getShape();
        int b = (int) s.get(0), h = (int) s.get(1), w = (int) s.get(2), c = (int) s.get(3);
        if (h == outH && w == outW) return grid;
        float[] in = grid.toFloatArray();
        float[] out = new float[b * outH * outW * c];
        int[] y0 = new int[outH], y1 = new int[outH], x0 = new int[outW], x1 = new int[outW];
        float[] ly = new float[outH], lx = new float[outW];
        source(h, outH, y0, y1, ly);
        source(w, outW, x0, x1, lx);
        for (int n = 0; n < b; n++) {
            int base = n * h * w * c;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int o = ((n * outH + oy) * outW + ox) * c;
                    int p00 = base + (y0[oy] * w + x0[ox]) * c, p01 = base + (y0[oy] * w + x1[ox]) * c;
                    int p10 = base + (y1[oy] * w + x0[ox]) * c, p11 = base + (y1[oy] * w + x1[ox]) * c;
                    float wy1 = ly[oy], wy0 = 1 - wy1, wx1 = lx[ox], wx0 = 1 - wx1;
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = wy0 * (wx0 * in[p00 + ch] + wx1 * in[p01 + ch])
                                + wy1 * (wx0 * in[p10 + ch] + wx1 * in[p11 + ch]);
                    }
                }
            }
        }
        return grid.getManager().create(out, new Shape(b, outH, outW, c));
    }

    private static void source(int in, int out, int[] i0, int[] i1, float[] lambda) {
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            float src = Math.max(0f, scale * (d + 0.5f) - 0.5f);
            int lo = (int) src;
            i0[d] = lo;
            i1[d] = lo < in - 1 ? lo + 1 : lo;
            lambda[d] = src - lo;
        }
    }
}
