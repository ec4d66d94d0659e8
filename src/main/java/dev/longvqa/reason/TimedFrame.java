package dev.longvqa.reason;

import dev.longvqa.video.RgbImage;

import java.util.Objects;

/** A frame shown to a model, with the video time it was sampled at (so answers can cite it). */
public record TimedFrame(double timeSec, RgbImage image) {
    public TimedFrame {
        Objects.requireNonNull(image, "image");
        if (!(timeSec >= 0)) throw new IllegalArgumentException("bad time " + timeSec);
    }
}
