package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** Turns a video's scenes into the visual part of the LLM's input embeddings. */
interface ContextStrategy {
    String id();

    /** The layout this strategy would produce, without running any model. */
    ContextPlan plan(List<Integer> framesPerScene, int textTokens);

    /**
     * @param questionIds (1, L) BERT ids of the question for question-conditioned strategies, or null
     * @return (visual tokens, H), exactly {@code plan(...).visualTokens()} rows
     */
    NDArray build(List<Integer> framesPerScene, int textTokens, FrameTokenSource frames, NDArray questionIds);
}
