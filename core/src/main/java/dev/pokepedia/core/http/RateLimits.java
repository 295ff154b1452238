package dev.pokepedia.core.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Smooth rate limits: requests to one key (a host, or the whole client) are spaced {@code 1 / rate} apart, the first
 * goes at once. A caller reserves the next free slot and then waits for it, so waiting callers queue up in order.
 */
final class RateLimits {

    private final long intervalNanos;
    private final PoliteHttpConfig.RateScope scope;
    private final Ticker ticker;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    private static final class Slot {
        private boolean used;
        private long next;
    }

    RateLimits(double perSecond, PoliteHttpConfig.RateScope scope, Ticker ticker) {
        this.intervalNanos = perSecond == 0 ? 0 : Math.max(1, (long) (1e9 / perSecond));
        this.scope = scope;
        this.ticker = ticker;
    }

    /** Waits until a request to {@code uri} may go. */
    void await(URI uri) throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        String key = scope == PoliteHttpConfig.RateScope.PER_HOST ? uri.getHost() + ":" + uri.getPort() : "";
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        long wait;
        synchronized (slot) {
            long now = ticker.nanoTime();
            // why compared as a difference: nanoTime may be negative and only differences are meaningful
            long at = !slot.used || slot.next - now < 0 ? now : slot.next;
            slot.used = true;
            slot.next = at + intervalNanos;
            wait = at - now;
        }
        if (wait > 0) {
            ticker.sleep(Duration.ofNanos(wait));
        }
    }
}
