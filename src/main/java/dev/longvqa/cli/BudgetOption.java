package dev.longvqa.cli;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.tdc.TdcSettings;

/** The {@code --budget} option every TDC command takes: "8K" (the reference) up to "128K", or a token count. */
public final class BudgetOption {
    private BudgetOption() {
    }

    /** The reference settings at that budget; a value that does not parse or is out of range is BAD_REQUEST. */
    public static TdcSettings settings(String value) {
        try {
            return TdcSettings.defaults().withBudget(TdcSettings.parseBudget(value));
        } catch (IllegalArgumentException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "bad --budget '" + value + "': " + e.getMessage());
        }
    }
}
