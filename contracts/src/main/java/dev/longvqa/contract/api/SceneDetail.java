package dev.longvqa.contract.api;

import java.util.List;

/** {@code GET /jobs/{jobId}/scenes}: the report's pieces for a page to draw. */
public record SceneDetail(String jobId, double durationSec, List<Scene> scenes, List<CurvePoint> curve,
                          List<Segment> segments) {
    public record Scene(int index, double startSec, double endSec, double representativeSec) {}

    public record CurvePoint(double timeSec, double similarity) {}

    public record Segment(int index, double startSec, double endSec, String summary) {}
}
