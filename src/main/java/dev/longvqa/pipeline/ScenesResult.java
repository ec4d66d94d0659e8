package dev.longvqa.pipeline;

import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.scenes.Cut;
import dev.longvqa.scenes.Scene;
import dev.longvqa.scenes.SceneSegmentation;
import dev.longvqa.video.VideoInfo;

import java.util.List;

/** What {@link SceneDetector} found, with what it cost. */
public record ScenesResult(VideoInfo video, double durationSec, int sampledFrames, long decodedFrames,
                           String sampling, String embedder, SceneSegmentation segmentation,
                           long decodeMillis, long segmentMillis) {
    public List<Double> cutsSec() {
        return segmentation.cuts().stream().map(Cut::timeSec).toList();
    }

    /** This segmentation as {@code scenes.json} of the video {@code videoName}. */
    public ScenesDocument document(String videoName) {
        VideoInfo v = video;
        return new ScenesDocument(videoName, ms(durationSec), sampledFrames, sampling, embedder,
                new ScenesDocument.Stream(v.container(), v.codec(), v.width(), v.height(), v.displayWidth(), v.displayHeight(),
                        v.rotationDeg(), Double.isNaN(v.frameRate()) ? 0 : Math.round(v.frameRate() * 1000) / 1000.0, v.hasAudio()),
                cutsSec().stream().map(ScenesResult::ms).toList(),
                segmentation.scenes().stream().map(ScenesResult::entry).toList(),
                segmentation.similarity().stream()
                        .map(p -> new ScenesDocument.CurveEntry(ms(p.timeSec()), Math.round(p.similarity() * 10000) / 10000.0)).toList(),
                new ScenesDocument.Timings(decodeMillis, segmentMillis));
    }

    private static ScenesDocument.SceneEntry entry(Scene s) {
        return new ScenesDocument.SceneEntry(s.index(), ms(s.startSec()), ms(s.endSec()), ms(s.representativeSec()),
                s.firstFrame(), s.frameCount());
    }

    private static double ms(double sec) {
        return Math.round(sec * 1000) / 1000.0;
    }
}
