package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.EMPTY} (see {@link LambdaError}). */
public final class EMPTY extends LambdaError {
    public EMPTY(String message, Throwable cause) {
        super(ErrorCode.EMPTY, message, cause);
    }
}
