package dev.longvqa.video;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Small image utilities on {@link RgbImage}. */
public final class Images {
    private Images() {}

    /** Rotates clockwise by 90, 180 or 270 degrees. */
    public static RgbImage rotate(RgbImage img, int degreesClockwise) {
        int w = img.width(), h = img.height();
        byte[] src = img.pixels();
        int deg = ((degreesClockwise % 360) + 360) % 360;
        if (deg == 0) return img;
        int ow = deg == 180 ? w : h, oh = deg == 180 ? h : w;
        byte[] dst = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int nx, ny;
                switch (deg) {
                    case 90 -> { nx = h - 1 - y; ny = x; }
                    case 180 -> { nx = w - 1 - x; ny = h - 1 - y; }
                    case 270 -> { nx = y; ny = w - 1 - x; }
                    default -> throw new IllegalArgumentException("rotation must be a multiple of 90: " + degreesClockwise);
                }
                int s = (y * w + x) * 3, d = (ny * ow + nx) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(ow, oh, dst);
    }

    public static BufferedImage toBufferedImage(RgbImage img) {
        BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        byte[] p = img.pixels();
        int[] rgb = new int[img.width() * img.height()];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (p[i * 3] & 0xff) << 16 | (p[i * 3 + 1] & 0xff) << 8 | (p[i * 3 + 2] & 0xff);
        }
        out.setRGB(0, 0, img.width(), img.height(), rgb, 0, img.width());
        return out;
    }

    public static RgbImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] p = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            p[i * 3] = (byte) (rgb[i] >> 16);
            p[i * 3 + 1] = (byte) (rgb[i] >> 8);
            p[i * 3 + 2] = (byte) rgb[i];
        }
        return new RgbImage(w, h, p);
    }

    public static byte[] toJpeg(RgbImage img) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(toBufferedImage(img), "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
