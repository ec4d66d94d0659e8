package dev.longvqa.runtime.vision;

import dev.longvqa.video.RgbImage;

/**
 * The reference's {@code process_images}: pad to a square with the mean colour
 * ({@code expand2square(img, int(mean*255))}), resize with Pillow's bicubic filter, scale to
 * [0,1], normalise with mean/std, CHW float. The resize reproduces Pillow's 8-bit fixed-point
 * separable convolution (horizontal pass, then vertical, rounding to bytes between) exactly, so
 * pixels equal what the Python processors feed the towers.
 *
 * @param size      output side (SigLIP so400m-384: 384; DINOv2 in TDC: 378)
 * @param padSquare whether to pad to a square first (TDC: yes, {@code image_aspect_ratio pad})
 */
public record ImagePreprocessor(int size, float[] mean, float[] std, boolean padSquare) {
    public static ImagePreprocessor siglip(int size) {
        return new ImagePreprocessor(size, new float[]{0.5f, 0.5f, 0.5f}, new float[]{0.5f, 0.5f, 0.5f}, true);
    }

    /** ImageNet statistics, as DINOv2's processor uses. */
    public static ImagePreprocessor dinov2(int size) {
        return new ImagePreprocessor(size, new float[]{0.485f, 0.456f, 0.406f}, new float[]{0.229f, 0.224f, 0.225f}, true);
    }

    public ImagePreprocessor {
        mean = mean.clone();
        std = std.clone();
        if (size < 1 || mean.length != 3 || std.length != 3) throw new IllegalArgumentException("bad preprocessor");
    }

    /** CHW floats, length 3*size*size. */
    public float[] apply(RgbImage image) {
        RgbImage img = padSquare ? expandToSquare(image) : image;
        byte[] px = resizeBicubic(img, size, size);
        float[] out = new float[3 * size * size];
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = (float) ((px[i * 3 + c] & 0xff) * (1.0 / 255.0));
                out[c * plane + i] = (v - mean[c]) / std[c];
            }
        }
        return out;
    }

    RgbImage expandToSquare(RgbImage img) {
        int w = img.width(), h = img.height();
        if (w == h) return img;
        int side = Math.max(w, h);
        byte[] out = new byte[side * side * 3];
        for (int i = 0; i < side * side; i++) {
            for (int c = 0; c < 3; c++) out[i * 3 + c] = (byte) (int) (mean[c] * 255);
        }
        int ox = w > h ? 0 : (h - w) / 2, oy = w > h ? (w - h) / 2 : 0;
        for (int y = 0; y < h; y++) {
            System.arraycopy(img.pixels(), y * w * 3, out, ((y + oy) * side + ox) * 3, w * 3);
        }
        return new RgbImage(side, side, out);
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Pillow's resampling filters this project needs: its kernel and support, as in {@code Resample.c}. */
    public enum Filter {
        BICUBIC(2.0), LANCZOS(3.0);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double at(double x) {
            return switch (this) {
                case BICUBIC -> bicubic(x);
                case LANCZOS -> x > -3.0 && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
            };
        }

        private static double sinc(double x) {
            if (x == 0.0) return 1.0;
            x *= Math.PI;
            return Math.sin(x) / x;
        }
    }

    /** Pillow's {@code Image.resize(size, BICUBIC)} for RGB images. */
    static byte[] resizeBicubic(RgbImage img, int outW, int outH) {
        return resize(img, outW, outH, Filter.BICUBIC);
    }

    /** Pillow's {@code Image.resize(size, filter)} for RGB images, bit-exact (8-bit intermediate, fixed-point kernels). */
    public static byte[] resize(RgbImage img, int outW, int outH, Filter filter) {
        int w = img.width(), h = img.height();
        byte[] src = img.pixels();
        if (w == outW && h == outH) return src.clone();
        byte[] tmp = src;
        if (w != outW) {
            Coeffs cx = coeffs(w, outW, filter);
            tmp = new byte[outW * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < outW; x++) {
                    for (int c = 0; c < 3; c++) {
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int i = 0; i < cx.len[x]; i++) {
                            ss += (src[(y * w + cx.min[x] + i) * 3 + c] & 0xff) * cx.k[x * cx.ksize + i];
                        }
                        tmp[(y * outW + x) * 3 + c] = clip8(ss);
                    }
                }
            }
        }
        if (h == outH) return tmp;
        Coeffs cy = coeffs(h, outH, filter);
        byte[] out = new byte[outW * outH * 3];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < 3; c++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int i = 0; i < cy.len[y]; i++) {
                        ss += (tmp[((cy.min[y] + i) * outW + x) * 3 + c] & 0xff) * cy.k[y * cy.ksize + i];
                    }
                    out[(y * outW + x) * 3 + c] = clip8(ss);
                }
            }
        }
        return out;
    }

    private record Coeffs(int ksize, int[] min, int[] len, int[] k) {}

    private static Coeffs coeffs(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(1.0, scale);
        double support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] min = new int[outSize], len = new int[outSize], k = new int[outSize * ksize];
        double[] kk = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ww = 0, ss = 1.0 / filterScale; // multiply by the reciprocal, as Pillow does
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            for (int x = 0; x < xmax; x++) {
                kk[x] = filter.at((x + xmin - center + 0.5) * ss);
                ww += kk[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0 ? kk[x] / ww : kk[x];
                k[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            min[xx] = xmin;
            len[xx] = xmax;
        }
        return new Coeffs(ksize, min, len, k);
    }

    private static double bicubic(double x) {
        double a = -0.5;
        if (x < 0) x = -x;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    private static byte clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) return (byte) 255;
        if (v <= 0) return 0;
        return (byte) (v >> PRECISION_BITS);
    }
}
