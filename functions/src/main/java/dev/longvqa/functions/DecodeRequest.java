package dev.longvqa.functions;

import dev.longvqa.pipeline.TimeRange;

/** Input of {@code decode-range}: one item of the DecodeRanges Map. */
public record DecodeRequest(String jobId, Video video, TimeRange range) {
}
