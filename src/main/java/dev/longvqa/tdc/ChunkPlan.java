package dev.longvqa.tdc;

import java.util.List;

/**
 * One chunk of the layout: up to {@code chunkSize} consecutive kept frames of one scene. The
 * first frame is static (all its tokens), each later one is compressed to K tokens. Token counts
 * are after trimming; {@code keptTokens} is the prefix of the chunk's untrimmed sequence
 * {@code [static, sep, (K compressed, sep) * (frames-1)]} that survives.
 *
 * @param scene        index of the scene in the caller's list
 * @param frameIndices indices into the caller's sampled frames (all scenes concatenated)
 * @param fullTokens   the chunk's length before trimming
 * @param keptTokens   its length after trimming
 * @param framesShown  frames with at least one token left
 */
record ChunkPlan(int scene, List<Integer> frameIndices, int fullTokens, int keptTokens,
                        int staticTokens, int compressedTokens, int separatorTokens, int framesShown) {
    public ChunkPlan {
        frameIndices = List.copyOf(frameIndices);
    }

    public int frames() {
        return frameIndices.size();
    }
}
