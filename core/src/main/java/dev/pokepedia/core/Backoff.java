package dev.pokepedia.core;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, the one used for every retry (queue messages, HTTP requests): attempt n waits
 * {@code initial × 2^(n-1)}, capped at {@code max}, then shortened by a random fraction of up to {@code jitter}
 * (0 = none, 0.5 = "equal jitter", 1 = "full jitter": anywhere down to zero), so work that failed together does not
 * all come back at the same instant. Never longer than {@code max}.
 */
public record Backoff(Duration initial, Duration max, double jitter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.5);

    public Backoff {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new ConfigurationException("Backoff initial delay must be positive, got " + initial, "e.g. Duration.ofSeconds(1)");
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new ConfigurationException("Backoff max delay (" + max + ") must be at least the initial delay (" + initial + ")", "");
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new ConfigurationException("Backoff jitter must be between 0 and 1, got " + jitter, "0.5 = up to half of each delay is random");
        }
    }

    /** The delay before attempt {@code failedAttempt + 1}, after attempt {@code failedAttempt} (1-based) failed. */
    public Duration delay(int failedAttempt, RandomGenerator random) {
        int exponent = Math.min(Math.max(failedAttempt, 1) - 1, 62);
        double nanos = Math.min((double) max.toNanos(), initial.toNanos() * Math.pow(2, exponent));
        double jittered = nanos * (1 - jitter * random.nextDouble());
        return Duration.ofNanos((long) jittered);
    }
}
