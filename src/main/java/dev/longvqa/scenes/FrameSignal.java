package dev.longvqa.scenes;

/**
 * What segmentation needs of one sampled frame: when it is, its embedding, and where between the
 * previous sample and this one the picture changed most (see {@code SampledFrame.changeTimeSec}).
 */
public record FrameSignal(double timeSec, float[] embedding, double changeTimeSec) {
}
