package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;

/**
 * Per-frame LLM-width tokens on demand, so a strategy only pays the vision encoders for the frames
 * its plan keeps (224 of 2940 at 8K). Implementations batch the request.
 */
@FunctionalInterface
interface FrameTokenSource {
    /**
     * @param frameIndices indices into the video's sampled frames (all scenes concatenated)
     * @return (n, T, H): row i holds the tokens of {@code frameIndices[i]}
     */
    NDArray tokens(int[] frameIndices);
}
