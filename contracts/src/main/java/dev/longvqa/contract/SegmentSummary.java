package dev.longvqa.contract;

/**
 * One LVCoT segment's summary with its time range: what {@code segments/{i}.json} stores for the
 * answer pass (the worker reads it back), what {@code GET /jobs/{jobId}/scenes} lists and what
 * {@code longvqa ask --json} prints. One type for all three, so the three views cannot drift.
 */
public record SegmentSummary(int index, double startSec, double endSec, String summary) {
}
