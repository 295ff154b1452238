package dev.pokepedia.live;

import dev.pokepedia.core.ConfigurationException;
import java.time.Duration;

/**
 * How politely we talk to the upstream API server, per process.
 *
 * @param concurrency      requests in flight at once, all hosts together
 * @param perHostPerSecond requests per second to one host (smooth); 0 = unlimited
 * @param rateOnLocalHosts whether the rate also applies to loopback, private and link-local hosts
 *                         ({@link dev.pokepedia.core.http.HostScope}); by default it does not: politeness is owed to
 *                         other people's servers, and a local mirror is ours. A rate given explicitly sets it.
 * @param attempts         tries per request before the failure goes back to the queue (which retries later)
 * @param maxInlineWait    longest {@code Retry-After} waited for inside a request; longer ones go back to the queue
 * @param userAgent        names the project, as API operators ask
 */
public record UpstreamOptions(int concurrency, double perHostPerSecond, boolean rateOnLocalHosts, Duration connectTimeout,
                              Duration requestTimeout, int attempts, Duration initialBackoff, Duration maxBackoff,
                              Duration maxInlineWait, long maxBytes, String userAgent) {

    /** The crawler's User-Agent: the polite HTTP client's (one name for the project everywhere). */
    public static final String USER_AGENT = dev.pokepedia.core.http.PoliteHttpConfig.USER_AGENT;

    public UpstreamOptions {
        if (concurrency < 1 || concurrency > 1024) {
            throw new ConfigurationException("upstream concurrency must be 1..1024, got " + concurrency, "Use --upstream-concurrency 8 or so.");
        }
        if (perHostPerSecond < 0) {
            throw new ConfigurationException("upstream rate must be >= 0 requests/s, got " + perHostPerSecond, "0 means unlimited.");
        }
        if (attempts < 1) {
            throw new ConfigurationException("upstream attempts must be >= 1, got " + attempts, "");
        }
    }

    /** 8 in flight, 20 requests/s per public host (local hosts unlimited), 3 attempts, 64 MiB per document. */
    public static UpstreamOptions defaults() {
        return new UpstreamOptions(8, 20, false, Duration.ofSeconds(5), Duration.ofSeconds(30), 3, Duration.ofMillis(250),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 64L << 20, USER_AGENT);
    }

    public UpstreamOptions withConcurrency(int n) {
        return new UpstreamOptions(n, perHostPerSecond, rateOnLocalHosts, connectTimeout, requestTimeout, attempts, initialBackoff,
                maxBackoff, maxInlineWait, maxBytes, userAgent);
    }

    /** An explicit rate: it applies to every host, local ones included (the caller asked for it). */
    public UpstreamOptions withRate(double perSecond) {
        return new UpstreamOptions(concurrency, perSecond, true, connectTimeout, requestTimeout, attempts, initialBackoff,
                maxBackoff, maxInlineWait, maxBytes, userAgent);
    }

    public UpstreamOptions withBackoff(Duration initial, Duration max) {
        return new UpstreamOptions(concurrency, perHostPerSecond, rateOnLocalHosts, connectTimeout, requestTimeout, attempts, initial,
                max, maxInlineWait, maxBytes, userAgent);
    }
}
