package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The sound of the frames of one context, already projected to the LLM width ({@code audio_proj}),
 * to be concatenated to each frame's visual tokens before the Q-Former (TDC with audio).
 */
interface FrameAudio {
    /** Audio tokens per frame (50 for BEATs). */
    int tokensPerFrame();

    /**
     * @param frames   range-local indices of the frames asked for
     * @param selected range-local indices of every frame the planner selected, ascending: a frame's
     *                 audio runs until the next selected frame (the last one's, to the range's end)
     * @return (frames.length, {@link #tokensPerFrame()}, H) on {@code manager}
     */
    NDArray tokens(int[] frames, int[] selected, NDManager manager);
}
