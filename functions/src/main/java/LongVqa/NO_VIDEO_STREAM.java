package LongVqa;

import dev.longvqa.functions.LambdaError;
import dev.longvqa.error.ErrorCode;

/** Reported to Step Functions as error {@code LongVqa.NO_VIDEO_STREAM} (see {@link LambdaError}). */
public final class NO_VIDEO_STREAM extends LambdaError {
    public NO_VIDEO_STREAM(String message, Throwable cause) {
        super(ErrorCode.NO_VIDEO_STREAM, message, cause);
    }
}
