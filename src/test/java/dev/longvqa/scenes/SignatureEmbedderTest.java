package dev.longvqa.scenes;

import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.IntBinaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in embedder on synthetic 160x90 frames (the size the sampler hands it), where what
 * should be near and what should be far is known by construction.
 */
class SignatureEmbedderTest {
    private static final int W = 160, H = 90;
    private final SignatureEmbedder embedder = new SignatureEmbedder();

    /** A grey frame from a luma function of (x, y), 0..255. */
    private static RgbImage grey(IntBinaryOperator luma) {
        byte[] p = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int v = Math.max(0, Math.min(255, luma.applyAsInt(x, y)));
                int i = (y * W + x) * 3;
                p[i] = p[i + 1] = p[i + 2] = (byte) v;
            }
        }
        return new RgbImage(W, H, p);
    }

    /** Fine black/white diagonal stripes (period 4 px), shifted by {@code dx}: like lavfi cellauto. */
    private static RgbImage stripes(int dx, int offset) {
        return grey((x, y) -> (((x + dx + y) / 2) % 2 == 0 ? 0 : 255) + offset);
    }

    /** White with black squares on a grid, shifted by {@code dx}: like lavfi sierpinski. */
    private static RgbImage blocks(int dx, int offset) {
        return grey((x, y) -> ((((x + dx) % 12) < 6 && (y % 12) < 6) ? 0 : 255) + offset);
    }

    /** Noise speckle, about half white: same colours and mean luma as the stripes. */
    private static RgbImage speckle(long seed) {
        Random r = new Random(seed);
        int[] v = new int[W * H];
        for (int i = 0; i < v.length; i++) v[i] = r.nextBoolean() ? 255 : 0;
        return grey((x, y) -> v[y * W + x]);
    }

    private float distance(RgbImage a, RgbImage b) {
        return 1 - SceneSegmenter.cosine(embedder.embed(a), embedder.embed(b));
    }

    @Test
    void differentBlackAndWhiteTexturesAreFartherApartThanOneTextureMoved() {
        // Same two grey levels, and for stripes/speckle the same mean: only the texture differs
        // (lavfi cellauto vs sierpinski in bench/ c09). The colour block sees the same thing in all.
        float stripesBlocks = distance(stripes(0, 0), blocks(0, 0));
        float stripesSpeckle = distance(stripes(0, 0), speckle(1));
        assertThat(stripesBlocks).isGreaterThan(0.18f);
        assertThat(stripesSpeckle).isGreaterThan(0.15f);
        // A scroll, a re-drawn noise field, a brightness offset: the same shot, closer than any
        // two different textures.
        float[] same = {
                distance(stripes(0, 0), stripes(3, 0)),
                distance(blocks(0, 0), blocks(5, 0)),
                distance(speckle(1), speckle(2)),
                distance(stripes(0, 0), stripes(1, 60)),
                distance(blocks(0, 0), blocks(0, -60)),
        };
        for (float d : same) assertThat(d).isLessThan(Math.min(stripesBlocks, stripesSpeckle));
        // The blocks' shift is the closest call (the 8x8 luma layout sees the 12-px grid move);
        // the others stay near zero.
        assertThat(same[0] + same[2] + same[3] + same[4]).isLessThan(0.1f);
    }

    /** A mid-saturated teal frame with a darker diagonal, each channel shifted by {@code offset}. */
    private static RgbImage teal(int offset) {
        byte[] p = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean corner = x + 2 * y < 80;
                int r = corner ? 40 : 20, g = corner ? 90 : 150, b = corner ? 20 : 140;
                int i = (y * W + x) * 3;
                p[i] = (byte) Math.max(0, Math.min(255, r + offset));
                p[i + 1] = (byte) Math.max(0, Math.min(255, g + offset));
                p[i + 2] = (byte) Math.max(0, Math.min(255, b + offset));
            }
        }
        return new RgbImage(W, H, p);
    }

    /** The same frame with every channel scaled by {@code k} (a fade). */
    private static RgbImage scaled(RgbImage img, double k) {
        byte[] p = img.pixels().clone();
        for (int i = 0; i < p.length; i++) p[i] = (byte) Math.min(255, (int) Math.round((p[i] & 0xff) * k));
        return new RgbImage(img.width(), img.height(), p);
    }

    @Test
    void brightnessSwingsInsideAShotStayClose() {
        // bench/ "fades" style: brightness offsets up to +0.35 on the same picture (HSV saturation
        // would call the brightened teal grey), and a fade to 70 % (CutAccuracyTest's FADE shots).
        RgbImage base = teal(0);
        for (int offset : new int[]{-60, -30, 30, 60, 90}) {
            assertThat(distance(base, teal(offset))).as("offset %d", offset).isLessThan(0.1f);
        }
        assertThat(distance(base, scaled(base, 0.7))).isLessThan(0.1f);
        assertThat(distance(base, stripes(0, 0))).isGreaterThan(0.5f);
    }

    @Test
    void layoutOfTheVectorIsStable() {
        assertThat(embedder.embed(teal(0))).hasSize(embedder.dimension());
        assertThat(embedder.id()).startsWith("signature-v3:");
        int[] blocks = SignatureEmbedder.blockOffsets();
        assertThat(blocks[blocks.length - 1]).isEqualTo(embedder.dimension());
        // Each block is normalised to its weight, so the whole vector has unit length.
        float[] e = embedder.embed(blocks(0, 0));
        double n = 0;
        for (float v : e) n += v * v;
        assertThat(n).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void framesLargerThanTheSamplerSizeGiveTheSameTexture() {
        // Texture is computed on at most 160 px a side: a 2x frame of the same blocks lands close.
        RgbImage big = new RgbImage(2 * W, 2 * H, upscale(blocks(0, 0).pixels()));
        assertThat(distance(big, blocks(0, 0))).isLessThan(0.05f);
        assertThat(distance(big, stripes(0, 0))).isGreaterThan(0.15f);
    }

    private static byte[] upscale(byte[] p) {
        byte[] out = new byte[4 * p.length];
        for (int y = 0; y < 2 * H; y++) {
            for (int x = 0; x < 2 * W; x++) {
                System.arraycopy(p, ((y / 2) * W + x / 2) * 3, out, (y * 2 * W + x) * 3, 3);
            }
        }
        return out;
    }
}
