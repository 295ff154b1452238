package dev.pokepedia.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a handler whose attempt failed but which knows when trying again makes sense (an upstream's
 * {@code Retry-After}): the message comes back after at least {@code notBefore}, or after the backoff if longer.
 * Still counts as an attempt.
 */
public class RetryLaterException extends RuntimeException {
    private final Duration notBefore;

    public RetryLaterException(String message, Duration notBefore, Throwable cause) {
        super(message, cause);
        this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
    }

    public Duration notBefore() {
        return notBefore;
    }
}
