package dev.longvqa.functions;

import java.util.List;

/** Output of {@code segment}: scenes.json's key and the LVCoT segments the Reason Map fans out over. */
public record SegmentResult(String scenesKey, int sceneCount, int frameCount, List<Segment> segments) {
    /**
     * One LVCoT segment, a Map item: each GPU task receives one and must know how many there are
     * (the prompt says "segment i of n").
     */
    public record Segment(int index, int count, double startSec, double endSec) {}
}
