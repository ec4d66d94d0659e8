package dev.longvqa.contract;

/**
 * One time range {@code [startSec, endSec)} of the video that one {@code decode-range} invocation
 * samples: an item of {@code plan}'s {@code ranges}, which the DecodeRanges Map fans out over.
 */
public record DecodeRange(int index, double startSec, double endSec) {
    public DecodeRange {
        if (index < 0 || startSec < 0 || !(endSec > startSec)) {
            throw new IllegalArgumentException("bad range " + index + " [" + startSec + ", " + endSec + ")");
        }
    }
}
