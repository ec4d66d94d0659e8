package dev.longvqa.video;

/**
 * One frame the sampler kept.
 *
 * @param index         position among sampled frames, from 0
 * @param timeSec       presentation time relative to the start of the video
 * @param image         the frame, scaled and rotated for display
 * @param changeTimeSec time of the decoded frame with the largest picture change since the previous
 *                      sampled frame (every decoded frame counts, not only sampled ones): where a
 *                      cut between the two samples most likely is. {@code timeSec} for the first.
 * @param changeScore   that change, mean absolute luma difference of a coarse grid, 0..1
 */
public record SampledFrame(int index, double timeSec, RgbImage image, double changeTimeSec, float changeScore) {
}
