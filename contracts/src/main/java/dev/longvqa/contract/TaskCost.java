package dev.longvqa.contract;

/**
 * What one GPU task spent, as the state machine's ResultSelector picks it out of a {@link TaskResult}
 * and passes it on to {@code record} ({@link RecordRequest.Costs}): LLM tokens, TDC visual tokens
 * and time, and the task's own time.
 *
 * @param segmentKey where the segment summary is (segment tasks only)
 */
public record TaskCost(String segmentKey, Tokens tokens, long visualTokens, long tdcMs, long elapsedMs) {
}
