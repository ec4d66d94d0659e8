package dev.longvqa.report;

import dev.longvqa.pipeline.ScenesDocument;
import dev.longvqa.reason.AskReport;
import dev.longvqa.video.RgbImage;

import java.util.Map;
import java.util.Objects;

/**
 * Everything one HTML report shows. {@code thumbnails} maps a scene index to its representative
 * frame (scenes without one get an empty tile); {@code ask} is null for a scenes-only report.
 */
public record ReportData(ScenesDocument scenes, Map<Integer, RgbImage> thumbnails, AskReport ask) {
    public ReportData {
        Objects.requireNonNull(scenes, "scenes");
        thumbnails = thumbnails == null ? Map.of() : Map.copyOf(thumbnails);
    }

    /** A report of the segmentation alone ({@code longvqa scenes --report}). */
    public static ReportData of(ScenesDocument scenes, Map<Integer, RgbImage> thumbnails) {
        return new ReportData(scenes, thumbnails, null);
    }

    public ReportData withAsk(AskReport ask) {
        return new ReportData(scenes, thumbnails, ask);
    }
}
