package dev.longvqa.pipeline;

import dev.longvqa.scenes.Cut;
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
}
