package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.THROTTLED} (see {@link LambdaError}). */
public final class THROTTLED extends LambdaError {
    public THROTTLED(String message, Throwable cause) {
        super(ErrorCode.THROTTLED, message, cause);
    }
}
