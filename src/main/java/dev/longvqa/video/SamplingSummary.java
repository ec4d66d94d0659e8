package dev.longvqa.video;

/**
 * What one decoding pass saw.
 *
 * @param lastFrameSec time of the last decoded frame: the measured duration when the container lies
 */
public record SamplingSummary(VideoInfo info, long decodedFrames, int sampledFrames, double lastFrameSec,
                              int damagedPackets) {
}
