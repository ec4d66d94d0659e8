package dev.longvqa.contract;

/**
 * What one GPU task spent, as the state machine's ResultSelector picks it out of a {@link TaskResult}
 * and passes it on to {@code record} ({@link RecordRequest.Costs}): LLM tokens, TDC visual tokens
 * and time, the task's own time, and its audio beside the visual costs.
 *
 * @param segmentKey  where the segment summary is (segment tasks only)
 * @param audioTokens BEATs tokens in the task's TDC contexts (part of {@code visualTokens}, the contexts' rows)
 * @param audioMs     decoding the video's sound and running the recogniser (0 when the transcript was already made)
 */
public record TaskCost(String segmentKey, Tokens tokens, long visualTokens, long tdcMs, long elapsedMs,
                       long audioTokens, long audioMs) {
}
