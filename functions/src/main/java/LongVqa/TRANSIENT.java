package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.TRANSIENT} (see {@link LambdaError}). */
public final class TRANSIENT extends LambdaError {
    public TRANSIENT(String message, Throwable cause) {
        super(ErrorCode.TRANSIENT, message, cause);
    }
}
