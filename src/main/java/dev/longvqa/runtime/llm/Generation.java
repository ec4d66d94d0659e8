package dev.longvqa.runtime.llm;

import java.util.Arrays;

/**
 * The result of one generation.
 *
 * @param tokenIds         generated ids, the stop token excluded
 * @param promptTokens     prompt positions (text tokens plus embedding rows)
 * @param completionTokens generated tokens, the stop token included (it was computed)
 * @param prefillNanos     time to run the prompt and pick the first token
 * @param decodeNanos      time for the remaining tokens
 */
public record Generation(String text, long[] tokenIds, int promptTokens, int completionTokens,
                         FinishReason finishReason, long prefillNanos, long decodeNanos) {

    public enum FinishReason { STOP, LENGTH }

    @Override
    public boolean equals(Object o) {
        return o instanceof Generation g && text.equals(g.text) && Arrays.equals(tokenIds, g.tokenIds)
                && promptTokens == g.promptTokens && completionTokens == g.completionTokens && finishReason == g.finishReason;
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + Arrays.hashCode(tokenIds);
    }

    @Override
    public String toString() {
        return "Generation[" + finishReason + ", " + promptTokens + "+" + completionTokens + " tokens: " + text + "]";
    }
}
