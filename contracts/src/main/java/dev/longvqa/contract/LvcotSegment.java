package dev.longvqa.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One LVCoT segment: an item of {@code segment}'s {@code segments}, which the Reason Map fans out
 * over, one GPU segment task each. The task must know how many there are (the prompt says
 * "segment i of n").
 *
 * @param count how many segments the video has; 0 when not said
 */
public record LvcotSegment(@JsonProperty(required = true) int index, int count,
                           @JsonProperty(required = true) double startSec,
                           @JsonProperty(required = true) double endSec) {
    public LvcotSegment {
        if (index < 0 || startSec < 0 || !(endSec >= startSec)) {
            throw new IllegalArgumentException("bad segment " + index + " [" + startSec + ", " + endSec + ")");
        }
    }
}
