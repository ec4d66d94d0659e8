package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.BAD_REQUEST} (see {@link LambdaError}). */
public final class BAD_REQUEST extends LambdaError {
    public BAD_REQUEST(String message, Throwable cause) {
        super(ErrorCode.BAD_REQUEST, message, cause);
    }
}
