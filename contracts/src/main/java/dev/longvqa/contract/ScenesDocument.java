package dev.longvqa.contract;

import java.util.List;

/**
 * The JSON shape of a segmentation ({@code scenes.json}): written by the segment Lambda and by
 * {@code longvqa scenes --json}, read by the GPU worker, the local cloud's job view and the
 * report. Times in seconds, rounded to milliseconds (the core's {@code ScenesResult#document}
 * makes one from a segmentation).
 */
public record ScenesDocument(String video, double durationSec, int sampledFrames, String sampling,
                             String embedder, Stream stream, List<Double> cutsSec, List<SceneEntry> scenes,
                             List<CurveEntry> similarity, Timings timings) {

    public record Stream(String container, String codec, int width, int height, int displayWidth,
                         int displayHeight, int rotation, double frameRate, boolean hasAudio) {}

    public record SceneEntry(int index, double startSec, double endSec, double representativeSec,
                             int firstFrame, int frameCount) {}

    public record CurveEntry(double timeSec, double similarity) {}

    public record Timings(long decodeMs, long segmentMs) {}
}
