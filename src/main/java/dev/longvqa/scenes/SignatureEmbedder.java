package dev.longvqa.scenes;

import dev.longvqa.video.RgbImage;

/**
 * The built-in frame embedder: no weights, under 0.2 ms per 160x90 frame (bench/ micro).
 *
 * <p>Four blocks, each L2-normalised and weighted so that the cosine of two embeddings is the
 * weighted mean of the blocks' cosines:
 * <ul>
 *   <li>colour: a soft hue x colourfulness histogram plus achromatic bins by <em>relative</em> luma
 *       (Hellinger-mapped) — what a shot is made of, indifferent to motion. Colourfulness is
 *       chroma / sqrt(max), which moves less under brightness swings and fades than either HSV
 *       saturation or absolute chroma;</li>
 *   <li>luma layout: an 8x8 grid normalised to zero mean and unit contrast — the composition,
 *       indifferent to brightness and contrast changes (fades, auto-exposure);</li>
 *   <li>chroma layout: a 4x4 grid of opponent colours relative to mean luma — where the colours are;</li>
 *   <li>texture: edge-orientation histograms of luma (8 orientations, gradient energy, at the
 *       sampled size and at half size) over the whole frame — what the picture is drawn with
 *       (stripes, blocks, speckle), indifferent to where it is and to brightness offsets, so two
 *       black-and-white textures differ while one texture in motion does not.</li>
 * </ul>
 * Colour and layouts are computed on a 48x48 area-averaged copy, which also averages out sensor
 * noise; texture on the sampled frame itself (at most 160 px a side), where fine patterns survive.
 */
public final class SignatureEmbedder implements FrameEmbedder {
    private static final int N = 48;
    private static final int HUE_BINS = 12, SAT_BINS = 2, GREY_BINS = 4; // SAT_BINS: muted, vivid
    private static final int COLOUR_DIM = HUE_BINS * SAT_BINS + GREY_BINS;
    private static final int LAYOUT = 8, LAYOUT_DIM = LAYOUT * LAYOUT + 1;
    private static final int CHROMA = 4, CHROMA_DIM = CHROMA * CHROMA * 2 + 1;
    private static final int ORIENT = 8, SCALES = 2, TEXTURE_DIM = ORIENT * SCALES + 1;
    private static final int TEXTURE_SIDE = 160;
    private static final int DIM = COLOUR_DIM + LAYOUT_DIM + CHROMA_DIM + TEXTURE_DIM;

    private final float wColour, wLayout, wChroma, wTexture;
    // Texture: the weight of the constant component (two flat frames alike) and the per-pixel
    // squared-gradient floor below which a frame counts as flat rather than amplifying its noise.
    private static final float TEXTURE_CONST = 0.3f, TEXTURE_FLOOR = 0.0005f;

    /**
     * Weights tuned on generated videos with motion, pans, zooms, noise and fades
     * ({@code CutAccuracyTest}, and the 14 lavfi videos of bench/ through {@code CutEvalDump}):
     * colour carries most of the signal because it survives motion at 1 fps; the layouts separate
     * shots of similar colours, texture separates shots of the same (or no) colour.
     */
    public SignatureEmbedder() {
        this(0.7f, 0.1f, 0.2f, 0.4f);
    }

    /** Block weights; they are normalised to sum to one. */
    public SignatureEmbedder(float colour, float layout, float chroma, float texture) {
        float sum = colour + layout + chroma + texture;
        this.wColour = colour / sum;
        this.wLayout = layout / sum;
        this.wChroma = chroma / sum;
        this.wTexture = texture / sum;
    }

    /** Start offsets of the colour, layout, chroma and texture blocks, then the end (for diagnostics). */
    static int[] blockOffsets() {
        return new int[]{0, COLOUR_DIM, COLOUR_DIM + LAYOUT_DIM, COLOUR_DIM + LAYOUT_DIM + CHROMA_DIM, DIM};
    }

    @Override
    public String id() {
        return String.format(java.util.Locale.ROOT, "signature-v3:%.2f:%.2f:%.2f:%.2f", wColour, wLayout,
                wChroma, wTexture);
    }

    @Override
    public int dimension() {
        return DIM;
    }

    @Override
    public int preferredInputSize() {
        return 160;
    }

    @Override
    public float[] embed(RgbImage frame) {
        float[] r = new float[N * N], g = new float[N * N], b = new float[N * N];
        int w = frame.width(), h = frame.height();
        int f = Math.max(1, (Math.max(w, h) + TEXTURE_SIDE - 1) / TEXTURE_SIDE); // texture's downscale
        float[] lum = new float[Math.max(1, w / f) * Math.max(1, h / f)];
        downsample(frame, r, g, b, f == 1 ? lum : null);
        if (f > 1) luma(frame.pixels(), w, h, f, lum);
        float[] y = new float[N * N];
        double meanY = 0;
        for (int i = 0; i < y.length; i++) {
            y[i] = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
            meanY += y[i];
        }
        meanY /= y.length;

        float[] out = new float[DIM];
        int o = 0;
        colour(r, g, b, y, (float) meanY, out, o);
        normalise(out, o, COLOUR_DIM, wColour);
        o += COLOUR_DIM;
        layout(y, out, o);
        normalise(out, o, LAYOUT_DIM, wLayout);
        o += LAYOUT_DIM;
        chroma(r, g, b, (float) meanY, out, o);
        normalise(out, o, CHROMA_DIM, wChroma);
        o += CHROMA_DIM;
        texture(lum, Math.max(1, w / f), Math.max(1, h / f), out, o);
        normalise(out, o, TEXTURE_DIM, wTexture);
        return out;
    }

    /**
     * Area-average the frame into N x N cells, channels scaled to 0..1 (nearest pixel if smaller).
     * When {@code lum} is given (a frame of at most {@link #TEXTURE_SIDE} a side), the same pass
     * also fills it with the full-size luma the texture block needs, so pixels are read once.
     */
    private static void downsample(RgbImage img, float[] r, float[] g, float[] b, float[] lum) {
        int w = img.width(), h = img.height();
        byte[] p = img.pixels();
        if (w < N || h < N) {
            for (int c = 0; c < N * N; c++) {
                int s = ((c / N) * h / N * w + (c % N) * w / N) * 3;
                r[c] = (p[s] & 0xff) / 255f;
                g[c] = (p[s + 1] & 0xff) / 255f;
                b[c] = (p[s + 2] & 0xff) / 255f;
            }
            if (lum != null) luma(p, w, h, 1, lum);
            return;
        }
        int[] colCell = new int[w];
        for (int xx = 0; xx < w; xx++) colCell[xx] = xx * N / w;
        float[] count = new float[N * N];
        for (int yy = 0; yy < h; yy++) {
            int rowCell = yy * N / h * N;
            for (int xx = 0, s = yy * w * 3; xx < w; xx++, s += 3) {
                int c = rowCell + colCell[xx];
                int pr = p[s] & 0xff, pg = p[s + 1] & 0xff, pb = p[s + 2] & 0xff;
                r[c] += pr;
                g[c] += pg;
                b[c] += pb;
                count[c]++;
                if (lum != null) lum[yy * w + xx] = LR * pr + LG * pg + LB * pb;
            }
        }
        for (int i = 0; i < count.length; i++) {
            float k = 255f * count[i];
            r[i] /= k;
            g[i] /= k;
            b[i] /= k;
        }
    }

    private static final float LR = 0.299f / 255f, LG = 0.587f / 255f, LB = 0.114f / 255f;

    /** Luma 0..1 of the frame area-averaged by {@code f} x {@code f} into {@code lum} (w / f by h / f). */
    private static void luma(byte[] p, int w, int h, int f, float[] lum) {
        int lw = w / f, lh = h / f;
        float k = 1f / (f * f);
        for (int yy = 0; yy < lh * f; yy++) {
            int row = yy / f * lw;
            for (int xx = 0; xx < lw * f; xx++) {
                int s = (yy * w + xx) * 3;
                lum[row + xx / f] += (LR * (p[s] & 0xff) + LG * (p[s + 1] & 0xff) + LB * (p[s + 2] & 0xff)) * k;
            }
        }
    }

    private static void colour(float[] r, float[] g, float[] b, float[] y, float meanY, float[] out, int o) {
        float yRef = Math.max(meanY, 0.02f);
        for (int i = 0; i < r.length; i++) {
            float max = Math.max(r[i], Math.max(g[i], b[i])), min = Math.min(r[i], Math.min(g[i], b[i]));
            float chroma = max - min;
            // Colourfulness between absolute chroma (kept by a brightness offset, halved by a fade
            // to a third) and HSV saturation chroma / max (kept by a fade, pushed across the
            // grey/colour line by an offset): chroma / sqrt(max) moves half as much under either.
            float colourful = chroma / (float) Math.sqrt(max + 0.02f);
            // Achromatic share: grey pixels vote by brightness relative to the frame's mean. Soft
            // thresholds throughout: a hard one flips flat shots near it between bins.
            float greyWeight = 1 - smooth(colourful, 0.07f, 0.18f);
            if (greyWeight > 0) {
                float rel = y[i] / yRef; // 0 .. ~4
                float pos = Math.min(GREY_BINS - 1.0001f, Math.max(0, rel * 1.5f - 0.25f));
                int lo = (int) pos;
                float f = pos - lo;
                out[o + HUE_BINS * SAT_BINS + lo] += greyWeight * (1 - f);
                if (lo + 1 < GREY_BINS) out[o + HUE_BINS * SAT_BINS + lo + 1] += greyWeight * f;
            }
            if (greyWeight < 1) {
                float hue = hue(r[i], g[i], b[i], max, chroma); // 0..1
                float hp = hue * HUE_BINS - 0.5f;
                int h0 = Math.floorMod((int) Math.floor(hp), HUE_BINS), h1 = (h0 + 1) % HUE_BINS;
                float hf = hp - (float) Math.floor(hp);
                float wgt = 1 - greyWeight, vivid = smooth(colourful, 0.25f, 0.6f);
                out[o + h0 * SAT_BINS] += wgt * (1 - hf) * (1 - vivid);
                out[o + h1 * SAT_BINS] += wgt * hf * (1 - vivid);
                out[o + h0 * SAT_BINS + 1] += wgt * (1 - hf) * vivid;
                out[o + h1 * SAT_BINS + 1] += wgt * hf * vivid;
            }
        }
        for (int i = 0; i < COLOUR_DIM; i++) out[o + i] = (float) Math.sqrt(out[o + i]);
    }

    private static float hue(float r, float g, float b, float max, float chroma) {
        if (chroma <= 1e-6f) return 0;
        float h;
        if (max == r) h = ((g - b) / chroma) % 6;
        else if (max == g) h = (b - r) / chroma + 2;
        else h = (r - g) / chroma + 4;
        h /= 6;
        return h < 0 ? h + 1 : h;
    }

    private static float smooth(float x, float lo, float hi) {
        if (x <= lo) return 0;
        if (x >= hi) return 1;
        float t = (x - lo) / (hi - lo);
        return t * t * (3 - 2 * t);
    }

    private static void layout(float[] y, float[] out, int o) {
        int cell = N / LAYOUT;
        float[] grid = new float[LAYOUT * LAYOUT];
        for (int i = 0; i < N * N; i++) grid[(i / N / cell) * LAYOUT + (i % N) / cell] += y[i];
        double mean = 0, var = 0;
        for (int i = 0; i < grid.length; i++) mean += grid[i] /= cell * cell;
        mean /= grid.length;
        for (float v : grid) var += (v - mean) * (v - mean);
        double sd = Math.sqrt(var / grid.length);
        // The floor keeps flat frames (black, one colour) from turning noise into structure; the
        // constant last component makes two flat frames similar rather than orthogonal.
        float scale = (float) (1 / (sd + 0.03));
        for (int i = 0; i < grid.length; i++) out[o + i] = (float) ((grid[i] - mean) * scale);
        out[o + LAYOUT_DIM - 1] = 1.5f;
    }

    private static void chroma(float[] r, float[] g, float[] b, float meanY, float[] out, int o) {
        int cell = N / CHROMA;
        float ref = meanY + 0.05f;
        for (int i = 0; i < N * N; i++) {
            int c = (i / N / cell) * CHROMA + (i % N) / cell;
            out[o + 2 * c] += (r[i] - g[i]) / ref;
            out[o + 2 * c + 1] += ((r[i] + g[i]) / 2 - b[i]) / ref;
        }
        for (int i = 0; i < CHROMA_DIM - 1; i++) out[o + i] /= cell * cell;
        out[o + CHROMA_DIM - 1] = 0.25f;
    }

    /**
     * Edge-orientation histograms of luma at two scales, magnitude-weighted, over the whole frame:
     * what the texture is made of (stripes, blocks, speckle) regardless of where it is, so a moving
     * or scrolling texture keeps its histogram while a different texture of the same colours does not.
     */
    private static void texture(float[] lum, int lw, int lh, float[] out, int o) {
        // Every other pixel at each scale: the gradients still come from direct neighbours, so
        // 2-px stripes are seen; a global histogram needs no more samples than that.
        orientations(lum, lw, lh, 2, out, o);
        int hw = lw / 2, hh = lh / 2;
        if (hw >= 3 && hh >= 3) {
            float[] half = new float[hw * hh];
            for (int yy = 0; yy < hh; yy++) {
                for (int xx = 0; xx < hw; xx++) {
                    int a = 2 * yy * lw + 2 * xx;
                    half[yy * hw + xx] = (lum[a] + lum[a + 1] + lum[a + lw] + lum[a + lw + 1]) * 0.25f;
                }
            }
            // Counted per pixel of the full grid (a quarter as many pixels), so how a texture's
            // energy splits between fine and coarse scale is part of the vector.
            orientations(half, hw, hh, 2, out, o + ORIENT);
            for (int i = 0; i < ORIENT; i++) out[o + ORIENT + i] /= 4;
        }
        double norm = 0;
        for (int i = 0; i < ORIENT * SCALES; i++) norm += out[o + i] * out[o + i];
        norm = Math.sqrt(norm);
        // Flat frames: tiny gradients are noise, scale them down against a floor; the constant
        // keeps two flat frames similar.
        double scale = 1 / (norm + TEXTURE_FLOOR * lw * lh);
        for (int i = 0; i < ORIENT * SCALES; i++) out[o + i] *= (float) scale;
        out[o + TEXTURE_DIM - 1] = TEXTURE_CONST;
    }

    /**
     * Adds every {@code step}-th pixel's gradient, as a doubled-angle vector (orientation without
     * sign, length |g|^2), into 8 orientation bins over [0, pi) by its positive projections onto
     * the bin directions: a soft binning (a vector votes into the bins within 90 degrees of it,
     * by cosine) with no division, trigonometry or branch per pixel; this loop is most of the
     * embedder's cost. Squared length favours real edges over noise.
     */
    private static void orientations(float[] l, int w, int h, int step, float[] out, int o) {
        final float r = 0.70710678f;
        float b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0;
        for (int y = 1; y < h - 1; y += step) {
            for (int x = 1, i = y * w + 1; x < w - 1; x += step, i += step) {
                float gx = l[i + 1] - l[i - 1], gy = l[i + w] - l[i - w];
                float c = gx * gx - gy * gy, s = 2 * gx * gy; // (|g|^2 cos 2a, |g|^2 sin 2a)
                float d1 = r * (c + s), d3 = r * (s - c);
                b0 += Math.max(c, 0);
                b4 += Math.max(-c, 0);
                b1 += Math.max(d1, 0);
                b5 += Math.max(-d1, 0);
                b2 += Math.max(s, 0);
                b6 += Math.max(-s, 0);
                b3 += Math.max(d3, 0);
                b7 += Math.max(-d3, 0);
            }
        }
        float k = step * step; // per pixel of this grid, whatever the step
        out[o] += b0 * k;
        out[o + 1] += b1 * k;
        out[o + 2] += b2 * k;
        out[o + 3] += b3 * k;
        out[o + 4] += b4 * k;
        out[o + 5] += b5 * k;
        out[o + 6] += b6 * k;
        out[o + 7] += b7 * k;
    }

    private static void normalise(float[] v, int o, int len, float weight) {
        double s = 0;
        for (int i = o; i < o + len; i++) s += v[i] * v[i];
        float k = s > 0 ? (float) (Math.sqrt(weight) / Math.sqrt(s)) : 0;
        for (int i = o; i < o + len; i++) v[i] *= k;
    }
}
