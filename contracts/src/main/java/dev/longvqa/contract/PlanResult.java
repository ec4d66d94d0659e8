package dev.longvqa.contract;

import java.util.List;

/**
 * Output of {@code plan} (the PlanRanges state selects every field into {@code $.plan}): the probed video and the time ranges decoded in parallel.
 *
 * @param durationSec declared duration; null when the container does not declare one (then one
 *                    open-ended range covers the whole video up to the duration limit)
 */
public record PlanResult(Double durationSec, int width, int height, List<DecodeRange> ranges) {
}
