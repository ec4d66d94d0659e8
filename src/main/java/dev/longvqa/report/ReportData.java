package dev.longvqa.report;

import dev.longvqa.audio.AudioReport;
import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.reason.AskReport;
import dev.longvqa.video.RgbImage;

import java.util.Map;
import java.util.Objects;

/**
 * Everything one HTML report shows. {@code thumbnails} maps a scene index to its representative
 * frame (scenes without one get an empty tile); {@code ask} is null for a scenes-only report;
 * {@code audio} is null when the sound track was not looked at.
 */
public record ReportData(ScenesDocument scenes, Map<Integer, RgbImage> thumbnails, AskReport ask, AudioReport audio) {
    public ReportData {
        Objects.requireNonNull(scenes, "scenes");
        thumbnails = thumbnails == null ? Map.of() : Map.copyOf(thumbnails);
    }

    public ReportData(ScenesDocument scenes, Map<Integer, RgbImage> thumbnails, AskReport ask) {
        this(scenes, thumbnails, ask, null);
    }

    public ReportData withAudio(AudioReport audio) {
        return new ReportData(scenes, thumbnails, ask, audio);
    }

    /** A report of the segmentation alone ({@code longvqa scenes --report}). */
    public static ReportData of(ScenesDocument scenes, Map<Integer, RgbImage> thumbnails) {
        return new ReportData(scenes, thumbnails, null);
    }

    public ReportData withAsk(AskReport ask) {
        return new ReportData(scenes, thumbnails, ask, audio);
    }
}
