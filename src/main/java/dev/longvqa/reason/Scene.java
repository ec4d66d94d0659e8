package dev.longvqa.reason;

/** A scene (shot) of the video as the segmenter found it; times in seconds. */
public record Scene(int index, double startSec, double endSec) {
    public Scene {
        if (!(startSec >= 0) || !(endSec >= startSec)) throw new IllegalArgumentException("bad scene " + startSec + ".." + endSec);
    }
}
