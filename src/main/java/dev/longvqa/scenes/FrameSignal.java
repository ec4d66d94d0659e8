package dev.longvqa.scenes;

/**
 * What segmentation needs of one sampled frame: when it is, its embedding, and where between the
 * previous sample and this one the picture changed most, and by how much (see
 * {@code SampledFrame.changeTimeSec}/{@code changeScore}; 0 when unknown).
 */
public record FrameSignal(double timeSec, float[] embedding, double changeTimeSec, float changeScore) {
}
