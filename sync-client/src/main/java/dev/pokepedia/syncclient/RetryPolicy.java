package dev.pokepedia.syncclient;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Retry timing of failed pushes: exponential backoff with full jitter, capped.
 *
 * @param maxRetries attempts after which an operation the server refused is marked failed (transient errors never
 *                   exhaust: they keep being retried at the cap)
 * @param baseDelay  delay scale of the first retry
 * @param maxDelay   cap of any one delay (60 s by default)
 */
public record RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(60));

    public RetryPolicy {
        if (maxRetries < 1) {
            throw SyncClientException.badInput("maxRetries " + maxRetries + " must be >= 1");
        }
        if (baseDelay.isNegative() || baseDelay.isZero()) {
            throw SyncClientException.badInput("retry delay " + baseDelay + " must be positive");
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw SyncClientException.badInput("max retry delay " + maxDelay + " must be >= retry delay " + baseDelay);
        }
    }

    /** The delay before attempt number {@code attempts + 1}: uniform in [0, min(cap, base * 2^(attempts-1))]. */
    public long delayMs(int attempts, RandomGenerator random) {
        int exp = Math.max(0, Math.min(attempts - 1, 30));
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() * (1L << Math.min(exp, 20)));
        return random.nextLong(ceiling + 1);
    }
}
