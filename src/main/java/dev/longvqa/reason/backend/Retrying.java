package dev.longvqa.reason.backend;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.time.Duration;

/** Runs one backend call under a {@link RetryPolicy}. */
final class Retrying {
    /** A failure worth another attempt; {@code code} is THROTTLED or TRANSIENT. */
    static final class RetryableFault extends Exception {
        final ErrorCode code;
        final Duration retryAfter;

        RetryableFault(ErrorCode code, String message, Duration retryAfter, Throwable cause) {
            super(message, cause);
            this.code = code;
            this.retryAfter = retryAfter;
        }
    }

    @FunctionalInterface
    interface Attempt<T> {
        T run() throws RetryableFault;
    }

    private Retrying() {}

    static <T> T call(RetryPolicy policy, String what, Attempt<T> attempt) {
        RetryableFault last = null;
        for (int n = 1; n <= policy.maxAttempts(); n++) {
            try {
                return attempt.run();
            } catch (RetryableFault f) {
                last = f;
                if (n == policy.maxAttempts()) break;
                try {
                    Thread.sleep(policy.backoff(n, f.retryAfter).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LongVqaException(ErrorCode.TRANSIENT, what + ": interrupted while backing off", e);
                }
            }
        }
        throw new LongVqaException(last.code, what + ": gave up after " + policy.maxAttempts() + " attempt(s): " + last.getMessage(), last);
    }
}
