package dev.longvqa.reason.backend;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retries with exponential backoff and jitter for throttling, 5xx and timeouts.
 * Jitter spreads the retries of many workers hitting one overloaded server; the bound makes the
 * failure reach the workflow, whose own Retry then decides (with a longer horizon).
 *
 * @param maxAttempts total attempts including the first (1 = no retry)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) throw new IllegalArgumentException("bad backoff bounds");
        if (multiplier < 1) throw new IllegalArgumentException("multiplier must be >= 1");
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(dev.longvqa.contract.Limits.LLM_ATTEMPTS, Duration.ofMillis(dev.longvqa.contract.Limits.LLM_RETRY_BASE_MS),
                Duration.ofMillis(dev.longvqa.contract.Limits.LLM_RETRY_MAX_MS), 2.0);
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
    }

    /**
     * Delay before attempt {@code failures + 1}: "equal jitter", half fixed and half random, so
     * the delay still grows with each failure. A server's Retry-After wins if it is longer, capped
     * at {@link #maxBackoff}.
     */
    public Duration backoff(int failures, Duration retryAfter) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
        long capped = (long) Math.min(base, maxBackoff.toMillis());
        long delay = capped / 2 + (capped > 1 ? ThreadLocalRandom.current().nextLong(capped / 2 + 1) : 0);
        if (retryAfter != null && retryAfter.toMillis() > delay) delay = Math.min(retryAfter.toMillis(), maxBackoff.toMillis());
        return Duration.ofMillis(delay);
    }
}
