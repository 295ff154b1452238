package dev.pokepedia.core.http;

import java.time.Duration;

/**
 * Monotonic time and waiting, for the parts of {@link PoliteHttpClient} that pace requests (rate limit, backoff,
 * {@code Retry-After}). Injected so tests can check those waits without sleeping for real.
 */
public interface Ticker {

    /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits {@code d}; gives up at once with {@link InterruptedException} when the thread is interrupted. */
    void sleep(Duration d) throws InterruptedException;

    /** The real one: {@link System#nanoTime()} and {@link Thread#sleep(Duration)}. */
    static Ticker system() {
        return new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                if (d.isPositive()) {
                    Thread.sleep(d);
                }
            }
        };
    }
}
