package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.BAD_QUESTION} (see {@link LambdaError}). */
public final class BAD_QUESTION extends LambdaError {
    public BAD_QUESTION(String message, Throwable cause) {
        super(ErrorCode.BAD_QUESTION, message, cause);
    }
}
