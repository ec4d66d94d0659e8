package dev.longvqa.contract;

/** Input of {@code decode-range}: one item of the DecodeRanges Map. */
public record DecodeRequest(String jobId, VideoRef video, DecodeRange range) {
}
