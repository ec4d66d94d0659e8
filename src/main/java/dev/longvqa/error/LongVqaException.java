package dev.longvqa.error;

import java.util.Objects;

/**
 * The one exception type the pipeline throws on purpose. Its {@link ErrorCode} decides the CLI
 * exit code, whether the workflow retries, and what the FAILED job row says.
 */
public class LongVqaException extends RuntimeException {
    private final ErrorCode code;

    public LongVqaException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public LongVqaException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    public static LongVqaException badInput(ErrorCode code, String message) {
        if (code.kind() != ErrorCode.Kind.BAD_INPUT) {
            throw new IllegalArgumentException(code + " is not a bad-input code");
        }
        return new LongVqaException(code, message);
    }

    /** One line for humans: {@code NOT_A_VIDEO: clip.mp4 is not a video (no known container)}. */
    public String oneLine() {
        return code.name() + ": " + getMessage().replace('\n', ' ');
    }
}
