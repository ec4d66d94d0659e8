package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.MODEL_UNAVAILABLE} (see {@link LambdaError}). */
public final class MODEL_UNAVAILABLE extends LambdaError {
    public MODEL_UNAVAILABLE(String message, Throwable cause) {
        super(ErrorCode.MODEL_UNAVAILABLE, message, cause);
    }
}
