package dev.longvqa.bench.jmh;

import dev.longvqa.video.RgbImage;

import java.util.Random;

/** Frames with structure (coloured blocks + a little noise), so embedders see realistic input. */
final class Frames {
    private Frames() {}

    static RgbImage structured(int w, int h, Random rnd) {
        return structured(w, h, rnd, 0, rnd);
    }

    /** Layout from {@code layout}; {@code shift} pixels of horizontal drift; noise from {@code noise}. */
    static RgbImage structured(int w, int h, Random layout, int shift, Random noise) {
        byte[] p = new byte[w * h * 3];
        int blocks = 6;
        int[][] colour = new int[blocks * blocks][3];
        for (int[] c : colour) for (int k = 0; k < 3; k++) c[k] = layout.nextInt(256);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = colour[(y * blocks / h) * blocks + ((x + shift) % w) * blocks / w];
                int i = (y * w + x) * 3;
                for (int k = 0; k < 3; k++) p[i + k] = (byte) Math.max(0, Math.min(255, c[k] + noise.nextInt(9) - 4));
            }
        }
        return new RgbImage(w, h, p);
    }
}
