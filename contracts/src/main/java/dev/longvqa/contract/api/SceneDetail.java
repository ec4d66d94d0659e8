package dev.longvqa.contract.api;

import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.contract.SegmentSummary;

import java.util.List;

/** {@code GET /jobs/{jobId}/scenes}: the report's pieces for a page to draw. */
public record SceneDetail(String jobId, double durationSec, List<SceneView> scenes, List<ScenesDocument.CurveEntry> curve,
                          List<SegmentSummary> segments) {
    public record SceneView(int index, double startSec, double endSec, double representativeSec) {}
}
