package dev.pokepedia.snapshotserver.internal;

import dev.pokepedia.snapshotserver.ServerOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;

/**
 * The configured faults, applied in this order to every API request: the added latency, then the per-minute budget
 * (429), then the error-rate draw (503). A request refused with 429 does not draw, so for a given seed the n-th
 * request that passes the budget always meets the same fate.
 */
public final class Faults {

    /** What to do with one request. */
    public sealed interface Verdict {
        /** Go on and answer it. */
        record Pass() implements Verdict {}

        /** Answer 429 with {@code Retry-After: seconds}. */
        record Throttle(long seconds) implements Verdict {}

        /** Answer 503. */
        record Fail() implements Verdict {}
    }

    private static final Verdict PASS = new Verdict.Pass();
    private static final Verdict FAIL = new Verdict.Fail();

    private final Duration latency;
    private final double errorRate;
    private final RequestBudget budget;
    private final Random random;

    public Faults(ServerOptions o) {
        this.latency = o.latency();
        this.errorRate = o.errorRate();
        this.budget = o.rateLimitPerMinute() > 0 ? new RequestBudget(o.rateLimitPerMinute(), Duration.ofMinutes(1), o.clock()) : null;
        this.random = new Random(o.seed());
    }

    /** Waits the configured latency (on a virtual thread this parks; no platform thread is held). */
    public void delay() throws InterruptedException {
        if (!latency.isZero()) {
            Thread.sleep(latency);
        }
    }

    public Verdict judge() {
        if (budget != null) {
            long wait = budget.tryAcquire();
            if (wait > 0) {
                return new Verdict.Throttle(wait);
            }
        }
        if (errorRate > 0) {
            boolean fail;
            synchronized (random) {
                fail = random.nextDouble() < errorRate;
            }
            if (fail) {
                return FAIL;
            }
        }
        return PASS;
    }

    /**
     * A fixed window of {@code limit} requests that opens with the first request after the previous window closed;
     * a refused request learns how many whole seconds (at least 1) remain until the window closes.
     */
    public static final class RequestBudget {
        private final int limit;
        private final Duration window;
        private final InstantSource clock;
        private Instant windowStart;
        private int used;

        public RequestBudget(int limit, Duration window, InstantSource clock) {
            this.limit = limit;
            this.window = window;
            this.clock = clock;
        }

        /** 0 if the request may go ahead (and is counted), else the seconds to wait for {@code Retry-After}. */
        public synchronized long tryAcquire() {
            Instant now = clock.instant();
            if (windowStart == null || !now.isBefore(windowStart.plus(window))) {
                windowStart = now;
                used = 0;
            }
            if (used < limit) {
                used++;
                return 0;
            }
            Duration left = Duration.between(now, windowStart.plus(window));
            long seconds = left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
            return Math.max(1, seconds);
        }
    }
}
