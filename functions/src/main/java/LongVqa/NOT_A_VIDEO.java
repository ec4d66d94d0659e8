package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.NOT_A_VIDEO} (see {@link LambdaError}). */
public final class NOT_A_VIDEO extends LambdaError {
    public NOT_A_VIDEO(String message, Throwable cause) {
        super(ErrorCode.NOT_A_VIDEO, message, cause);
    }
}
