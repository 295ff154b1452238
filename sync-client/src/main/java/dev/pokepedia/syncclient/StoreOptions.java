package dev.pokepedia.syncclient;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a store is opened.
 *
 * @param clock       time source of the outbox (attempt times) and the hybrid logical clock
 * @param lockTimeout how long a write waits for another connection's lock (busy_timeout + retries) before failing
 * @param maxDrift    how far ahead of the server a stamp may be before it is treated as coming from a wrong clock
 */
public record StoreOptions(Clock clock, Duration lockTimeout, Duration maxDrift) {

    public StoreOptions {
        Objects.requireNonNull(clock, "clock");
        if (lockTimeout.isNegative()) {
            throw SyncClientException.badInput("lockTimeout " + lockTimeout + " must be >= 0");
        }
        if (maxDrift.isNegative()) {
            throw SyncClientException.badInput("maxDrift " + maxDrift + " must be >= 0");
        }
    }

    public static StoreOptions defaults() {
        return new StoreOptions(Clock.systemUTC(), Duration.ofSeconds(10), Duration.ofMinutes(1));
    }

    public StoreOptions withClock(Clock c) {
        return new StoreOptions(c, lockTimeout, maxDrift);
    }

    public StoreOptions withLockTimeout(Duration d) {
        return new StoreOptions(clock, d, maxDrift);
    }
}
