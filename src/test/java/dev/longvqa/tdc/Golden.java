package dev.longvqa.tdc;

import dev.longvqa.runtime.Safetensors;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the committed goldens made by tools/golden/tdc_golden.py. */
public final class Golden {
    private Golden() {}

    public static Path path(String name) {
        try {
            return Path.of(Golden.class.getResource("/golden/tdc/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing golden " + name + " (run tools/golden/tdc_golden.py)", e);
        }
    }

    public static Safetensors open(String name) throws IOException {
        return Safetensors.open(path(name));
    }

    /** The end-to-end golden's RGB frames ({@code rgb}: (frames, height, width, 3) as float bytes). */
    public static java.util.List<dev.longvqa.video.RgbImage> rgbFrames(Safetensors io) throws IOException {
        long[] shape = io.info("rgb").shape();
        float[] v = io.floats("rgb");
        int per = (int) (shape[1] * shape[2] * 3);
        java.util.List<dev.longvqa.video.RgbImage> frames = new java.util.ArrayList<>();
        for (int i = 0; i < shape[0]; i++) {
            byte[] px = new byte[per];
            for (int j = 0; j < per; j++) px[j] = (byte) (int) v[i * per + j];
            frames.add(new dev.longvqa.video.RgbImage((int) shape[2], (int) shape[1], px));
        }
        return frames;
    }
}
