package dev.longvqa.worker;

/**
 * What the TDC contexts of a task cost: the visual tokens the model was given (the sum over the
 * task's passes) and the time spent building them ({@code tdcMs}: frame reads, vision towers,
 * projector, Q-Former). Goes into the artifacts and the task output beside {@link Tokens}.
 */
public record TdcCost(long visualTokens, long tdcMs) {
    public static final TdcCost NONE = new TdcCost(0, 0);

    public TdcCost plus(TdcCost o) {
        return new TdcCost(visualTokens + o.visualTokens, tdcMs + o.tdcMs);
    }
}
