package dev.longvqa.reason;

/**
 * A segment's question-independent summary: what is cached and what {@code segments/{i}.json}
 * holds. Tokens are those of the pass that produced it (a cache hit costs none).
 */
public record SegmentOutput(int index, double startSec, double endSec, String summary, int promptTokens,
                            int completionTokens) {}
