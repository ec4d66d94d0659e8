package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.INTERNAL} (see {@link LambdaError}). */
public final class INTERNAL extends LambdaError {
    public INTERNAL(String message, Throwable cause) {
        super(ErrorCode.INTERNAL, message, cause);
    }
}
