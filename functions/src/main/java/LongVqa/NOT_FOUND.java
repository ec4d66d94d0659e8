package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.NOT_FOUND} (see {@link LambdaError}). */
public final class NOT_FOUND extends LambdaError {
    public NOT_FOUND(String message, Throwable cause) {
        super(ErrorCode.NOT_FOUND, message, cause);
    }
}
