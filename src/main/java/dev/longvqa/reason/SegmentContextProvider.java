package dev.longvqa.reason;

/**
 * Builds the model input for a time range on demand. It is called only for segments the cache
 * does not hold, so the expensive part (vision encoder + TDC compression) is skipped for
 * questions on a video already seen.
 */
@FunctionalInterface
public interface SegmentContextProvider {
    /**
     * @param startSec inclusive
     * @param endSec   exclusive, except for the last range which ends at the video's end
     */
    SegmentInput range(double startSec, double endSec);
}
