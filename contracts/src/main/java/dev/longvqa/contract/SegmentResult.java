package dev.longvqa.contract;

import java.util.List;

/** Output of {@code segment}: scenes.json's key and the LVCoT segments the Reason Map fans out over. */
public record SegmentResult(String scenesKey, int sceneCount, int frameCount, List<LvcotSegment> segments) {
}
