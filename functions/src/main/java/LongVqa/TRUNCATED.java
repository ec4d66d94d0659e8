package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.TRUNCATED} (see {@link LambdaError}). */
public final class TRUNCATED extends LambdaError {
    public TRUNCATED(String message, Throwable cause) {
        super(ErrorCode.TRUNCATED, message, cause);
    }
}
