package dev.longvqa.scenes;

/**
 * A run of sampled frames between two cuts.
 *
 * @param firstFrame         index of its first sampled frame
 * @param frameCount         sampled frames in it (at least one)
 * @param representativeSec  time of the sampled frame nearest its middle: the thumbnail, the image
 *                           sent to image-capable models
 */
public record Scene(int index, double startSec, double endSec, int firstFrame, int frameCount,
                    double representativeSec) {
    public double durationSec() {
        return endSec - startSec;
    }
}
