package dev.pokepedia.snapshotserver;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.ListenAddress;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How a {@link SnapshotServer} listens and which faults it injects. Validated on construction; start from
 * {@link #defaults()} and use the {@code with…} methods.
 *
 * @param host                where to bind; {@code 127.0.0.1} by default
 * @param port                0 picks a free (ephemeral) port
 * @param errorRate           fraction of API requests answered 503, in [0, 1]
 * @param rateLimitPerMinute  requests allowed per one-minute window before 429 + {@code Retry-After}; 0 = unlimited
 * @param latency             added before every API response
 * @param seed                seeds the error-rate draws, so a sequence of requests sees the same faults every run
 * @param publicUrl           scheme://host[:port] written into documents and list links; null = {@code http://host:port}
 *                            of the bound socket (needed behind a proxy, or when binding a wildcard address)
 * @param clock               drives the rate-limit windows and {@code Last-Modified}; tests pass a controllable one
 */
public record ServerOptions(String host, int port, double errorRate, int rateLimitPerMinute, Duration latency, long seed,
                            URI publicUrl, InstantSource clock) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final long DEFAULT_SEED = 42;
    private static final Duration MAX_LATENCY = Duration.ofMinutes(5);

    public ServerOptions {
        Objects.requireNonNull(clock, "clock");
        ListenAddress.check(host, port, publicUrl);
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new ConfigurationException("--error-rate " + errorRate + " is not a fraction", "Give a number from 0 to 1, e.g. 0.1 for 10 % 503s");
        }
        if (rateLimitPerMinute < 0) {
            throw new ConfigurationException("--rate-limit-429 " + rateLimitPerMinute + " is negative", "Give requests per minute, or 0 for no limit");
        }
        latency = latency == null ? Duration.ZERO : latency;
        if (latency.isNegative() || latency.compareTo(MAX_LATENCY) > 0) {
            throw new ConfigurationException("--latency-ms " + latency.toMillis() + " is out of range", "Give 0 to " + MAX_LATENCY.toMillis() + " milliseconds");
        }
    }

    /** 127.0.0.1, a free port, no faults, seed 42, the system clock. */
    public static ServerOptions defaults() {
        return new ServerOptions(DEFAULT_HOST, 0, 0, 0, Duration.ZERO, DEFAULT_SEED, null, InstantSource.system());
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, errorRate, rateLimitPerMinute, latency, seed, publicUrl, clock);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, errorRate, rateLimitPerMinute, latency, seed, publicUrl, clock);
    }

    public ServerOptions withErrorRate(double rate) {
        return new ServerOptions(host, port, rate, rateLimitPerMinute, latency, seed, publicUrl, clock);
    }

    public ServerOptions withRateLimitPerMinute(int perMinute) {
        return new ServerOptions(host, port, errorRate, perMinute, latency, seed, publicUrl, clock);
    }

    public ServerOptions withLatency(Duration d) {
        return new ServerOptions(host, port, errorRate, rateLimitPerMinute, d, seed, publicUrl, clock);
    }

    public ServerOptions withSeed(long s) {
        return new ServerOptions(host, port, errorRate, rateLimitPerMinute, latency, s, publicUrl, clock);
    }

    public ServerOptions withPublicUrl(URI url) {
        return new ServerOptions(host, port, errorRate, rateLimitPerMinute, latency, seed, url, clock);
    }

    public ServerOptions withClock(InstantSource c) {
        return new ServerOptions(host, port, errorRate, rateLimitPerMinute, latency, seed, publicUrl, c);
    }

    /** Whether any fault is configured (for the start-up line). */
    public boolean injectsFaults() {
        return errorRate > 0 || rateLimitPerMinute > 0 || !latency.isZero();
    }
}
