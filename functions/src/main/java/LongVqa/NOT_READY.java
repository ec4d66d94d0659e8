package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.NOT_READY} (see {@link LambdaError}). */
public final class NOT_READY extends LambdaError {
    public NOT_READY(String message, Throwable cause) {
        super(ErrorCode.NOT_READY, message, cause);
    }
}
