package dev.longvqa.scenes;

/**
 * A scene (shot) of the video: a run of sampled frames between two cuts, times in seconds. The one
 * scene type of every stage: the segmenter makes it, the reason stage and the TDC context read its
 * times, {@code scenes.json} ({@code contract.ScenesDocument.SceneEntry}) is its wire form.
 *
 * @param firstFrame         index of its first sampled frame; -1 for a scene known only by its times
 * @param frameCount         sampled frames in it (at least one when the segmenter made it; 0 when
 *                           known only by its times)
 * @param representativeSec  time of the sampled frame nearest its middle: the thumbnail, the image
 *                           sent to image-capable models
 */
public record Scene(int index, double startSec, double endSec, int firstFrame, int frameCount,
                    double representativeSec) {
    public Scene {
        if (!(startSec >= 0) || !(endSec >= startSec)) throw new IllegalArgumentException("bad scene " + startSec + ".." + endSec);
    }

    /**
     * A scene known only by its times (read back from {@code scenes.json}, or given by a test):
     * no sampled frames, the representative time its middle.
     */
    public Scene(int index, double startSec, double endSec) {
        this(index, startSec, endSec, -1, 0, (startSec + endSec) / 2);
    }

    public double durationSec() {
        return endSec - startSec;
    }
}
