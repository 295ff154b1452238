package dev.pokepedia.media.internal;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * How {@link HttpAssetSource} fetches: where from, how many requests at once, how fast, how often it retries.
 * Immutable; the compact constructor validates every value, so an instance is always usable.
 *
 * @param mirrorBase        null to fetch each asset's own upstream URL, else a base URL the repository layout sits
 *                          under ({@code base + "/" + asset.path()}); a trailing slash is fine
 * @param concurrency       at most this many requests in flight at once
 * @param requestsPerMinute global rate limit over all requests (retries included), spread evenly; 0 = unlimited
 * @param maxAttempts       attempts per asset, the first included (1 = no retries)
 * @param connectTimeout    to open a connection
 * @param requestTimeout    for one whole attempt: request sent, answer and body received
 * @param maxBytes          a body larger than this fails the asset (never buffered beyond the limit)
 * @param userAgent         sent with every request
 * @param initialBackoff    delay before the first retry; doubles per retry (with jitter) up to {@code maxBackoff}
 * @param maxBackoff        upper bound of the exponential backoff
 * @param maxRetryAfter     a server's {@code Retry-After} is honoured up to this long
 */
public record HttpSourceOptions(
        URI mirrorBase,
        int concurrency,
        int requestsPerMinute,
        int maxAttempts,
        Duration connectTimeout,
        Duration requestTimeout,
        long maxBytes,
        String userAgent,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter) {

    public static final int DEFAULT_CONCURRENCY = 16;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    public static final String DEFAULT_USER_AGENT = "pokepedia-sync/0.1 (+https://github.com/pokepedia)";
    /** Upper bound for {@code concurrency}: beyond this a single client only hurts the server. */
    public static final int MAX_CONCURRENCY = 512;
    /** Upper bound for {@code maxBytes}: what one Java array can hold. */
    public static final long MAX_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    private static final String HINT = "Check the HTTP source options (see --help).";

    public HttpSourceOptions {
        if (mirrorBase != null) {
            String scheme = mirrorBase.getScheme() == null ? "" : mirrorBase.getScheme().toLowerCase(Locale.ROOT);
            if (!mirrorBase.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))
                    || mirrorBase.getHost() == null) {
                throw new ConfigurationException(
                        "The mirror base URL must be an absolute http:// or https:// URL with a host, not '" + mirrorBase + "'.",
                        "Example: https://mirror.example.org/pokeapi-media (assets are fetched from <base>/<path>).");
            }
            if (mirrorBase.getRawQuery() != null || mirrorBase.getRawFragment() != null) {
                throw new ConfigurationException(
                        "The mirror base URL must not have a query or fragment: '" + mirrorBase + "'.",
                        "Assets are fetched from <base>/<path>; give only scheme, host and path.");
            }
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ConfigurationException(
                    "HTTP concurrency must be between 1 and " + MAX_CONCURRENCY + ", not " + concurrency + ".", HINT);
        }
        if (requestsPerMinute < 0) {
            throw new ConfigurationException(
                    "Requests per minute must be 0 (unlimited) or more, not " + requestsPerMinute + ".", HINT);
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new ConfigurationException(
                    "HTTP attempts per asset must be between 1 and 100, not " + maxAttempts + ".", HINT);
        }
        requirePositive("connect timeout", connectTimeout);
        requirePositive("request timeout", requestTimeout);
        if (maxBytes < 1 || maxBytes > MAX_BYTES_LIMIT) {
            throw new ConfigurationException(
                    "The HTTP body size limit must be between 1 and " + MAX_BYTES_LIMIT + " bytes, not " + maxBytes + ".",
                    HINT);
        }
        if (userAgent == null || userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new ConfigurationException(
                    "The HTTP User-Agent must be non-blank and free of control characters.", HINT);
        }
        requireNonNegative("initial backoff", initialBackoff);
        requireNonNegative("maximum backoff", maxBackoff);
        requireNonNegative("maximum Retry-After", maxRetryAfter);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new ConfigurationException(
                    "The maximum backoff (" + maxBackoff + ") must not be shorter than the initial backoff ("
                            + initialBackoff + ").", HINT);
        }
    }

    /** 16 at once, no rate limit, 5 attempts, 10 s connect, 60 s per request, 20 MiB, backoff 1 s..30 s, Retry-After ≤ 120 s. */
    public static HttpSourceOptions defaults() {
        return new HttpSourceOptions(null, DEFAULT_CONCURRENCY, 0, DEFAULT_MAX_ATTEMPTS,
                Duration.ofSeconds(10), Duration.ofSeconds(60), DEFAULT_MAX_BYTES, DEFAULT_USER_AGENT,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(120));
    }

    public HttpSourceOptions withMirrorBase(URI base) {
        return new HttpSourceOptions(base, concurrency, requestsPerMinute, maxAttempts, connectTimeout, requestTimeout,
                maxBytes, userAgent, initialBackoff, maxBackoff, maxRetryAfter);
    }

    public HttpSourceOptions withConcurrency(int n) {
        return new HttpSourceOptions(mirrorBase, n, requestsPerMinute, maxAttempts, connectTimeout, requestTimeout,
                maxBytes, userAgent, initialBackoff, maxBackoff, maxRetryAfter);
    }

    public HttpSourceOptions withRequestsPerMinute(int n) {
        return new HttpSourceOptions(mirrorBase, concurrency, n, maxAttempts, connectTimeout, requestTimeout,
                maxBytes, userAgent, initialBackoff, maxBackoff, maxRetryAfter);
    }

    public HttpSourceOptions withMaxAttempts(int n) {
        return new HttpSourceOptions(mirrorBase, concurrency, requestsPerMinute, n, connectTimeout, requestTimeout,
                maxBytes, userAgent, initialBackoff, maxBackoff, maxRetryAfter);
    }

    public HttpSourceOptions withTimeouts(Duration connect, Duration request) {
        return new HttpSourceOptions(mirrorBase, concurrency, requestsPerMinute, maxAttempts, connect, request,
                maxBytes, userAgent, initialBackoff, maxBackoff, maxRetryAfter);
    }

    public HttpSourceOptions withMaxBytes(long n) {
        return new HttpSourceOptions(mirrorBase, concurrency, requestsPerMinute, maxAttempts, connectTimeout,
                requestTimeout, n, userAgent, initialBackoff, maxBackoff, maxRetryAfter);
    }

    public HttpSourceOptions withUserAgent(String agent) {
        return new HttpSourceOptions(mirrorBase, concurrency, requestsPerMinute, maxAttempts, connectTimeout,
                requestTimeout, maxBytes, agent, initialBackoff, maxBackoff, maxRetryAfter);
    }

    public HttpSourceOptions withBackoff(Duration initial, Duration max) {
        return new HttpSourceOptions(mirrorBase, concurrency, requestsPerMinute, maxAttempts, connectTimeout,
                requestTimeout, maxBytes, userAgent, initial, max, maxRetryAfter);
    }

    public HttpSourceOptions withMaxRetryAfter(Duration max) {
        return new HttpSourceOptions(mirrorBase, concurrency, requestsPerMinute, maxAttempts, connectTimeout,
                requestTimeout, maxBytes, userAgent, initialBackoff, maxBackoff, max);
    }

    private static void requirePositive(String what, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new ConfigurationException("The HTTP " + what + " must be positive, not " + d + ".", HINT);
        }
    }

    private static void requireNonNegative(String what, Duration d) {
        if (d == null || d.isNegative()) {
            throw new ConfigurationException("The HTTP " + what + " must be zero or positive, not " + d + ".", HINT);
        }
    }
}
