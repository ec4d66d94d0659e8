package dev.longvqa.worker;

import dev.longvqa.contract.Tokens;
/**
 * What the TDC contexts of a task cost: the visual tokens the model was given (the sum over the
 * task's passes), the time spent building them ({@code tdcMs}: frame reads, vision towers,
 * projector, Q-Former) and how many frames went through the vision towers ({@code framesEncoded};
 * frames an earlier pass of the task projected come from its cache). Goes into the artifacts and
 * the task output beside {@link Tokens}.
 */
record TdcCost(long visualTokens, long tdcMs, long framesEncoded) {
    public static final TdcCost NONE = new TdcCost(0, 0, 0);

    public TdcCost plus(TdcCost o) {
        return new TdcCost(visualTokens + o.visualTokens, tdcMs + o.tdcMs, framesEncoded + o.framesEncoded);
    }
}
