package dev.pokepedia.core.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Smooth rate limits: requests to one key (a host, or the whole client) are spaced {@code 1 / rate} apart, the first
 * goes at once. A caller reserves the next free slot and then waits for it, so waiting callers queue up in order.
 * With {@link PoliteHttpConfig.RateScope#PUBLIC_HOSTS}, a host that {@link HostScope} finds local is not limited;
 * each host is classified once, on its first request.
 */
final class RateLimits {

    private final long intervalNanos;
    private final PoliteHttpConfig.RateScope scope;
    private final Ticker ticker;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    private final HostScope.Resolver resolver;

    private static final class Slot {
        private final boolean limited;
        private boolean used;
        private long next;

        Slot(boolean limited) {
            this.limited = limited;
        }
    }

    RateLimits(double perSecond, PoliteHttpConfig.RateScope scope, Ticker ticker, HostScope.Resolver resolver) {
        this.intervalNanos = perSecond == 0 ? 0 : Math.max(1, (long) (1e9 / perSecond));
        this.scope = scope;
        this.ticker = ticker;
        this.resolver = resolver;
    }

    /** Waits until a request to {@code uri} may go. */
    void await(URI uri) throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        String key = scope == PoliteHttpConfig.RateScope.WHOLE_CLIENT ? "" : uri.getHost() + ":" + uri.getPort();
        Slot slot = slots.get(key);
        if (slot == null) {
            // why outside computeIfAbsent: classifying a name may wait for DNS, which must not block other hosts' slots
            boolean limited = scope != PoliteHttpConfig.RateScope.PUBLIC_HOSTS || !HostScope.isLocal(uri.getHost(), resolver);
            slot = slots.computeIfAbsent(key, k -> new Slot(limited));
        }
        if (!slot.limited) {
            return;
        }
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
