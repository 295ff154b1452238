package dev.pokepedia.core.http;

import dev.pokepedia.core.Backoff;
import dev.pokepedia.core.ConfigurationException;
import java.time.Duration;

/**
 * How politely {@link PoliteHttpClient} talks to servers. Immutable; the compact constructor checks every value and
 * says how to fix a wrong one, so an instance is always usable.
 *
 * @param maxInFlight       requests in flight at once, all hosts together (1..1024)
 * @param requestsPerSecond smooth rate limit (evenly spaced requests, retries included); 0 = unlimited
 * @param rateScope         whether the rate applies to each host, to each public host, or to all requests together
 * @param connectTimeout    to open a connection
 * @param answerTimeout     for one whole attempt: headers and the complete body
 * @param maxAttempts       requests per GET, the first included (1 = no retries)
 * @param backoff           delay before each retry when the server did not send {@code Retry-After}
 * @param maxRetryAfter     longest {@code Retry-After} waited for inside a GET
 * @param longRetryAfter    what a longer one does: wait only {@code maxRetryAfter}, or give the failure back at once
 *                          (with the server's delay) to a caller that can retry later, e.g. a queue
 * @param maxBytes          a body over this fails the GET; never buffered beyond it
 * @param userAgent         sent with every request; names the project, as API operators ask
 */
public record PoliteHttpConfig(int maxInFlight, double requestsPerSecond, RateScope rateScope, Duration connectTimeout,
                               Duration answerTimeout, int maxAttempts, Backoff backoff, Duration maxRetryAfter,
                               LongRetryAfter longRetryAfter, long maxBytes, String userAgent) {

    /**
     * {@code PER_HOST}: each host has its own allowance. {@code PUBLIC_HOSTS}: the same, but loopback, private and
     * link-local hosts ({@link HostScope}) are not limited at all, only capped by {@code maxInFlight} (politeness is
     * owed to other people's servers, not to our own). {@code WHOLE_CLIENT}: one allowance for all requests.
     */
    public enum RateScope { PER_HOST, PUBLIC_HOSTS, WHOLE_CLIENT }

    public enum LongRetryAfter { WAIT_THE_CAP, GIVE_BACK }

    public static final int MAX_IN_FLIGHT = 1024;
    /** What one Java array can hold. */
    public static final long MAX_BYTES_LIMIT = Integer.MAX_VALUE - 8;
    public static final String USER_AGENT = "pokepedia-sync/0.1 (+https://github.com/pokepedia-sync; self-hosted PokeAPI mirror)";

    public PoliteHttpConfig {
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            throw new ConfigurationException("HTTP requests in flight must be 1.." + MAX_IN_FLIGHT + ", got " + maxInFlight + ".",
                    "8 or so is polite to one server; more only helps against several hosts.");
        }
        if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
            throw new ConfigurationException("HTTP requests per second must be 0 (unlimited) or more, got " + requestsPerSecond + ".",
                    "Use 0 for no limit (local servers), 10..20 for a public API.");
        }
        if (rateScope == null) {
            throw new ConfigurationException("HTTP rate scope is missing.", "Use RateScope.PER_HOST unless every request goes to one server.");
        }
        positive("connect timeout", connectTimeout, "e.g. Duration.ofSeconds(5)");
        positive("answer timeout", answerTimeout, "It bounds headers and body together: e.g. Duration.ofSeconds(30).");
        if (maxAttempts < 1) {
            throw new ConfigurationException("HTTP attempts per request must be at least 1, got " + maxAttempts + ".",
                    "1 means no retries; 3..5 rides out short outages.");
        }
        if (backoff == null) {
            throw new ConfigurationException("HTTP backoff is missing.", "Use new Backoff(initial, max, jitter), e.g. 250 ms..5 s with jitter 1.");
        }
        if (maxRetryAfter == null || maxRetryAfter.isNegative()) {
            throw new ConfigurationException("The longest Retry-After to wait for must be zero or positive, got " + maxRetryAfter + ".",
                    "e.g. Duration.ofSeconds(60); zero never waits for one.");
        }
        if (longRetryAfter == null) {
            throw new ConfigurationException("What to do with a longer Retry-After is missing.",
                    "Use LongRetryAfter.WAIT_THE_CAP, or GIVE_BACK when the caller retries later itself.");
        }
        if (maxBytes < 1 || maxBytes > MAX_BYTES_LIMIT) {
            throw new ConfigurationException("The HTTP body size limit must be 1.." + MAX_BYTES_LIMIT + " bytes, got " + maxBytes + ".",
                    "e.g. 64 MiB for JSON documents, 20 MiB for media files.");
        }
        if (userAgent == null || userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new ConfigurationException("The HTTP User-Agent must be non-blank and free of control characters.",
                    "Name the project and a contact URL, e.g. " + USER_AGENT);
        }
    }

    /** 8 in flight, 10 requests/s per host, 5 s connect, 30 s per answer, 3 attempts, 250 ms..5 s full jitter, Retry-After ≤ 60 s, 64 MiB. */
    public static PoliteHttpConfig defaults() {
        return new PoliteHttpConfig(8, 10, RateScope.PER_HOST, Duration.ofSeconds(5), Duration.ofSeconds(30), 3,
                new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5), 1.0), Duration.ofSeconds(60),
                LongRetryAfter.WAIT_THE_CAP, 64L << 20, USER_AGENT);
    }

    public PoliteHttpConfig withMaxInFlight(int n) {
        return new PoliteHttpConfig(n, requestsPerSecond, rateScope, connectTimeout, answerTimeout, maxAttempts, backoff,
                maxRetryAfter, longRetryAfter, maxBytes, userAgent);
    }

    public PoliteHttpConfig withRate(double perSecond, RateScope scope) {
        return new PoliteHttpConfig(maxInFlight, perSecond, scope, connectTimeout, answerTimeout, maxAttempts, backoff,
                maxRetryAfter, longRetryAfter, maxBytes, userAgent);
    }

    public PoliteHttpConfig withTimeouts(Duration connect, Duration answer) {
        return new PoliteHttpConfig(maxInFlight, requestsPerSecond, rateScope, connect, answer, maxAttempts, backoff,
                maxRetryAfter, longRetryAfter, maxBytes, userAgent);
    }

    public PoliteHttpConfig withRetries(int attempts, Backoff b) {
        return new PoliteHttpConfig(maxInFlight, requestsPerSecond, rateScope, connectTimeout, answerTimeout, attempts, b,
                maxRetryAfter, longRetryAfter, maxBytes, userAgent);
    }

    public PoliteHttpConfig withRetryAfter(Duration max, LongRetryAfter longer) {
        return new PoliteHttpConfig(maxInFlight, requestsPerSecond, rateScope, connectTimeout, answerTimeout, maxAttempts, backoff,
                max, longer, maxBytes, userAgent);
    }

    public PoliteHttpConfig withMaxBytes(long n) {
        return new PoliteHttpConfig(maxInFlight, requestsPerSecond, rateScope, connectTimeout, answerTimeout, maxAttempts, backoff,
                maxRetryAfter, longRetryAfter, n, userAgent);
    }

    public PoliteHttpConfig withUserAgent(String agent) {
        return new PoliteHttpConfig(maxInFlight, requestsPerSecond, rateScope, connectTimeout, answerTimeout, maxAttempts, backoff,
                maxRetryAfter, longRetryAfter, maxBytes, agent);
    }

    private static void positive(String what, Duration d, String hint) {
        if (d == null || !d.isPositive()) {
            throw new ConfigurationException("The HTTP " + what + " must be positive, got " + d + ".", hint);
        }
    }
}
