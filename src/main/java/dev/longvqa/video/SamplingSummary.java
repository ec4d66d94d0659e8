package dev.longvqa.video;

import java.util.BitSet;

/**
 * What one decoding pass saw.
 *
 * @param lastFrameSec  time of the last decoded frame: the measured duration when the container lies
 * @param sampleTimes   time of each sampled frame, in order
 * @param sampleDigests a CRC-32C of each sampled frame's decoded luma plane: lets a later pass that
 *                      seeks ({@link FrameSampler#exactChanges}) prove it decoded the same pictures
 * @param skippedGaps   gaps (gap g: between sampled frames g and g+1) in which the decoder dropped a
 *                      non-reference frame ({@link FrameSampler.Builder#skipUnsampled}): only there does
 *                      the change signal differ from what decoding every frame gives
 */
public record SamplingSummary(VideoInfo info, long decodedFrames, int sampledFrames, double lastFrameSec,
                              int damagedPackets, double[] sampleTimes, int[] sampleDigests,
                              BitSet skippedGaps) {
    public SamplingSummary {
        sampleTimes = sampleTimes.clone();
        sampleDigests = sampleDigests.clone();
        skippedGaps = (BitSet) skippedGaps.clone();
        if (sampleTimes.length != sampledFrames || sampleDigests.length != sampledFrames) {
            throw new IllegalArgumentException("one time and one digest per sampled frame");
        }
    }

    @Override
    public double[] sampleTimes() {
        return sampleTimes.clone();
    }

    @Override
    public int[] sampleDigests() {
        return sampleDigests.clone();
    }

    @Override
    public BitSet skippedGaps() {
        return (BitSet) skippedGaps.clone();
    }
}
