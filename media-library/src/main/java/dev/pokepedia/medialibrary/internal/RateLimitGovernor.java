package dev.pokepedia.medialibrary.internal;

import dev.pokepedia.medialibrary.ProviderException;
import dev.pokepedia.medialibrary.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps an API's hourly quota from running out: remembers the last {@code X-FeatureRateLimit-*} headers, spreads the
 * remaining calls over the time to the reset once fewer than {@link #LOW_FRACTION} of them are left, waits for the
 * reset when none are, and after a 420/429 waits until the reset before the call is tried again.
 */
public final class RateLimitGovernor {

    /** Below this share of the hourly limit, calls are spaced out until the reset. */
    static final double LOW_FRACTION = 0.05;
    /** How long to wait after a 420/429 when no reset time is known. */
    static final Duration FALLBACK_WAIT = Duration.ofMinutes(1);
    /** A wait longer than this is not done in place: the caller gets a retriable error and resumes later. */
    private final Duration maxWait;

    private final Clock clock;
    private final Sleeper sleeper;
    private volatile Snapshot last;

    /** The quota as the last answer stated it. */
    public record Snapshot(long limit, long remaining, Instant reset) {
    }

    public RateLimitGovernor(Clock clock, Sleeper sleeper, Duration maxWait) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.maxWait = maxWait;
    }

    public Snapshot last() {
        return last;
    }

    /** Records the quota headers of an answer (any may be null when the answer had none). */
    public void observe(Long limit, Long remaining, Instant reset) {
        if (limit != null && remaining != null) {
            last = new Snapshot(limit, remaining, reset);
        }
    }

    /** Called before each quota-counted call: waits as the remaining quota demands. */
    public void beforeCall() {
        Snapshot s = last;
        if (s == null || s.reset() == null) {
            return;
        }
        Instant now = clock.instant();
        if (!s.reset().isAfter(now)) {
            return; // the window has reset since
        }
        Duration toReset = Duration.between(now, s.reset());
        if (s.remaining() <= 0) {
            pause(toReset, "the hourly API quota is used up");
            last = null;
        } else if (s.remaining() <= Math.max(1, (long) (s.limit() * LOW_FRACTION))) {
            // why: spread what is left evenly up to the reset instead of running into 420s
            pause(toReset.dividedBy(s.remaining() + 1), "the hourly API quota is nearly used up");
        }
    }

    /** After a 420/429: waits until the reset (or a minute when unknown), so the caller may try once more. */
    public void afterRejection() {
        Snapshot s = last;
        Instant now = clock.instant();
        Duration wait = s != null && s.reset() != null && s.reset().isAfter(now)
                ? Duration.between(now, s.reset()) : FALLBACK_WAIT;
        pause(wait, "the provider refused the call for its rate limit");
        last = null;
    }

    private void pause(Duration d, String why) {
        if (d.compareTo(maxWait) > 0) {
            throw new ProviderException(ProviderException.Kind.RATE_LIMITED, why + "; it resets in "
                    + d.toSeconds() + " s, longer than the " + maxWait.toSeconds() + " s this process waits",
                    "run the sync again after the reset: it resumes from its stored cursor", null);
        }
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.RATE_LIMITED, "interrupted while waiting for the "
                    + "rate limit to reset", "", e);
        }
    }
}
