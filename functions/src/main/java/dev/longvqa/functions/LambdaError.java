package dev.longvqa.functions;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

/**
 * A {@link LongVqaException} as the Lambda runtime reports it.
 *
 * <p>Both the managed Java runtime and Quarkus' own poll loop report a thrown exception as
 * {@code {"errorType": e.getClass().getName(), "errorMessage": e.getMessage()}}, and Step Functions
 * uses that {@code errorType} as the Task's error name. There is no hook to rename it, so the
 * names are made real: one class per {@link ErrorCode} in the (deliberately capitalised) package
 * {@code LongVqa}, e.g. {@code LongVqa.NOT_A_VIDEO}, whose fully qualified name is exactly
 * {@link ErrorCode#aslName()}. ASL Retry/Catch can then list {@code LongVqa.TRANSIENT} as the
 * contract says. A nested class would not do: its name would be {@code LongVqa$NOT_A_VIDEO}.
 */
public abstract class LambdaError extends LongVqaException {
    protected LambdaError(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
        if (!getClass().getName().equals(code.aslName())) {
            throw new IllegalStateException(getClass().getName() + " does not carry the ASL name of " + code);
        }
    }

    /** The exception to throw out of a handler for {@code e}; already-converted errors pass through. */
    public static LambdaError of(LongVqaException e) {
        if (e instanceof LambdaError le) return le;
        String m = e.getMessage();
        Throwable c = e.getCause() != null ? e.getCause() : e;
        return switch (e.code()) {
            case NOT_FOUND -> new LongVqa.NOT_FOUND(m, c);
            case EMPTY -> new LongVqa.EMPTY(m, c);
            case NOT_A_VIDEO -> new LongVqa.NOT_A_VIDEO(m, c);
            case NO_VIDEO_STREAM -> new LongVqa.NO_VIDEO_STREAM(m, c);
            case TRUNCATED -> new LongVqa.TRUNCATED(m, c);
            case TOO_LONG -> new LongVqa.TOO_LONG(m, c);
            case TOO_LARGE -> new LongVqa.TOO_LARGE(m, c);
            case BAD_QUESTION -> new LongVqa.BAD_QUESTION(m, c);
            case BAD_REQUEST -> new LongVqa.BAD_REQUEST(m, c);
            case NOT_READY -> new LongVqa.NOT_READY(m, c);
            case MODEL_UNAVAILABLE -> new LongVqa.MODEL_UNAVAILABLE(m, c);
            case TRANSIENT -> new LongVqa.TRANSIENT(m, c);
            case THROTTLED -> new LongVqa.THROTTLED(m, c);
            case INTERNAL -> new LongVqa.INTERNAL(m, c);
        };
    }
}
