package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.TOO_LARGE} (see {@link LambdaError}). */
public final class TOO_LARGE extends LambdaError {
    public TOO_LARGE(String message, Throwable cause) {
        super(ErrorCode.TOO_LARGE, message, cause);
    }
}
