package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.TOO_LONG} (see {@link LambdaError}). */
public final class TOO_LONG extends LambdaError {
    public TOO_LONG(String message, Throwable cause) {
        super(ErrorCode.TOO_LONG, message, cause);
    }
}
