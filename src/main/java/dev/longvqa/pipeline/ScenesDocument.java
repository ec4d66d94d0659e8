package dev.longvqa.pipeline;

import dev.longvqa.scenes.Scene;
import dev.longvqa.video.VideoInfo;

import java.util.List;

/**
 * The JSON shape of a segmentation, shared by {@code longvqa scenes --json}, the workflow's
 * {@code scenes.json} and the report. Times in seconds, rounded to milliseconds.
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

    public static ScenesDocument of(String videoName, ScenesResult r) {
        VideoInfo v = r.video();
        return new ScenesDocument(videoName, ms(r.durationSec()), r.sampledFrames(), r.sampling(), r.embedder(),
                new Stream(v.container(), v.codec(), v.width(), v.height(), v.displayWidth(), v.displayHeight(),
                        v.rotationDeg(), Double.isNaN(v.frameRate()) ? 0 : Math.round(v.frameRate() * 1000) / 1000.0, v.hasAudio()),
                r.cutsSec().stream().map(ScenesDocument::ms).toList(),
                r.segmentation().scenes().stream().map(ScenesDocument::entry).toList(),
                r.segmentation().similarity().stream()
                        .map(p -> new CurveEntry(ms(p.timeSec()), Math.round(p.similarity() * 10000) / 10000.0)).toList(),
                new Timings(r.decodeMillis(), r.segmentMillis()));
    }

    private static SceneEntry entry(Scene s) {
        return new SceneEntry(s.index(), ms(s.startSec()), ms(s.endSec()), ms(s.representativeSec()), s.firstFrame(), s.frameCount());
    }

    static double ms(double sec) {
        return Math.round(sec * 1000) / 1000.0;
    }
}
