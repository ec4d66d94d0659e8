package dev.longvqa.tdc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frame tokens already through the towers and the projector, kept on the heap by frame index so
 * that later contexts of the same video skip the vision encoders for them. The towers are most of
 * TDC's cost (SigLIP so400m + DINOv2-giant per frame, against ~8 GFLOP for the Q-Former), and the
 * passes of one video share frames: every question's final pass uses the same frame-cap pick,
 * and short LVCoT segments hold frames the final pass picks again. The Q-Former output depends on
 * the question, so it is never cached; the projected tokens do not.
 *
 * <p>One cache per video and geometry (the grid the projector crops depends on the aspect ratio).
 * Least recently used frames go first once {@code maxBytes} is reached; at TDC's real sizes one
 * frame is 156 × 3584 floats (2.2 MB), so an 8K context's 224 frames take ≈ 500 MB. Thread-safe.
 */
public final class ProjectedFrameCache {
    /** One frame's tokens, {@code rows × hidden}, row-major. */
    public record FrameTokens(int rows, int hidden, float[] values) {
        public FrameTokens {
            if ((long) rows * hidden != values.length) throw new IllegalArgumentException(rows + "x" + hidden + " != " + values.length);
        }

        long bytes() {
            return 4L * values.length;
        }
    }

    /** Counters since creation. */
    public record Stats(long hits, long misses, int frames, long bytes) {}

    private final long maxBytes;
    private final LinkedHashMap<Integer, FrameTokens> frames = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<Long, Float> similarities = new java.util.HashMap<>();
    private long bytes;
    private long hits;
    private long misses;

    private ProjectedFrameCache(long maxBytes) {
        if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be > 0: " + maxBytes);
        this.maxBytes = maxBytes;
    }

    public static ProjectedFrameCache ofBytes(long maxBytes) {
        return new ProjectedFrameCache(maxBytes);
    }

    /** The frame's tokens, or null (counted as a miss). */
    public synchronized FrameTokens get(int frame) {
        FrameTokens t = frames.get(frame);
        if (t == null) misses++;
        else hits++;
        return t;
    }

    /** Keeps the frame's tokens, dropping the least recently used frames to stay under the bound. */
    public synchronized void put(int frame, FrameTokens tokens) {
        if (tokens.bytes() > maxBytes) return; // would evict everything and still not fit
        FrameTokens old = frames.put(frame, tokens);
        if (old != null) bytes -= old.bytes();
        bytes += tokens.bytes();
        var it = frames.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Integer, FrameTokens> eldest = it.next();
            if (eldest.getKey() == frame) continue;
            bytes -= eldest.getValue().bytes();
            it.remove();
        }
    }

    /**
     * The reference scene split's DINOv2 cosine similarity of frames {@code a} and {@code b}
     * ({@link ReferenceSceneSplit}), if computed before: later contexts over the same capped
     * frames (every final pass of a video) then skip the DINOv2 tower for the split. Not bounded:
     * a few bytes per pair, at most a few thousand pairs per video.
     */
    public synchronized Float similarity(int a, int b) {
        return similarities.get(((long) a << 32) | (b & 0xffffffffL));
    }

    public synchronized void putSimilarity(int a, int b, float value) {
        similarities.put(((long) a << 32) | (b & 0xffffffffL), value);
    }

    public synchronized Stats stats() {
        return new Stats(hits, misses, frames.size(), bytes);
    }
}
