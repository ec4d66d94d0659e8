package dev.longvqa.contract;

import java.util.List;

/** Input of {@code segment}: the plan and every range's decode output (any order). */
public record SegmentRequest(String jobId, VideoRef video, PlanResult plan, List<DecodeResult> ranges) {
}
