package dev.longvqa.video;

import java.util.Objects;

/**
 * A decoded frame as packed 8-bit RGB, row-major, no padding: {@code pixels[(y*width + x)*3 + c]}.
 * Plain bytes rather than {@code BufferedImage} so embedders and encoders stay free of AWT.
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        Objects.requireNonNull(pixels, "pixels");
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + (width * height * 3) + " bytes, got " + pixels.length);
        }
    }

    /** Channel {@code c} (0=R, 1=G, 2=B) of pixel (x, y), 0..255. */
    public int at(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xff;
    }
}
