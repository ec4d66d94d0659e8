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

    /**
     * The input for a range with the text the visual context is conditioned on. TDC's Q-Former
     * reads text beside the frames: {@link Lvcot} passes the fixed segment prompt for segment
     * passes (so their summaries stay question-independent and cacheable) and the question for
     * the final pass. Providers whose input does not depend on text keep this default.
     */
    default SegmentInput range(double startSec, double endSec, String conditioning) {
        return range(startSec, endSec);
    }

    /**
     * The same, when the caller counted the LLM prompt's text tokens ({@code textTokens}, the
     * image placeholder not included): TDC sizes its frame cap and trim from the real count, as
     * the reference does. Providers that do not plan against a budget keep this default.
     */
    default SegmentInput range(double startSec, double endSec, String conditioning, int textTokens) {
        return range(startSec, endSec, conditioning);
    }

    /**
     * LVCoT parts cut by sampled-frame count as the reference's {@code eval/cot.py} does
     * ({@code frames // n} each, the remainder dropped), as time ranges that hold exactly those
     * frames under {@link #range}'s rule; empty when this provider does not know its frames
     * (then parts are cut by time).
     */
    default java.util.List<double[]> framePartRanges(int n) {
        return java.util.List.of();
    }

    /**
     * Whether {@link #range(double, double, String)} depends on its text. When it does, the
     * final pass's whole-video input is built once per question instead of once per call.
     */
    default boolean textConditioned() {
        return false;
    }
}
