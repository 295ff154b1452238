package dev.pokepedia.syncclient;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Configuration of a {@link SyncClient}: one immutable, validated record. Start from {@link #defaults} (the plan's
 * defaults: batch size 50, interval 30 s, newest-wins, 5 retries, 5 s retry delay) and change with the withers.
 *
 * @param server          base URL of the server (the one serving /sync/v1)
 * @param token           the JWT, read on every request (so a refreshed token is picked up); never logged
 * @param batchSize       operations per entity type per request
 * @param maxRequestBytes request body cap (the server refuses more than 4 MiB)
 * @param debounce        quiet time after a local change before pushing (20 rapid edits → one request)
 * @param maxDebounce     longest a stream of edits can delay a push
 * @param interval        periodic sync
 * @param strategy        conflict strategy of every type not in {@code perType}
 * @param perType         conflict strategy per entity type
 * @param tieStrategy     what decides a field changed on both sides in a merge (local-wins, remote-wins or newest-wins)
 * @param retry           backoff of failed pushes (max retries, retry delay, 60 s cap)
 * @param requestTimeout  whole-request timeout
 * @param pullLimit       changes per pull page (default 2000: a catch-up takes a quarter of the server default's round trips; server max 5000)
 * @param autoSync        debounce and periodic sync on; off = only explicit {@link SyncClient#sync()} calls
 */
public record SyncConfig(URI server, Supplier<String> token, int batchSize, long maxRequestBytes, Duration debounce,
                         Duration maxDebounce, Duration interval, ConflictStrategy strategy, Map<String, ConflictStrategy> perType,
                         ConflictStrategy tieStrategy, RetryPolicy retry, Duration requestTimeout, int pullLimit, boolean autoSync) {

    public static final long SERVER_MAX_BYTES = 4L * 1024 * 1024;

    public SyncConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(retry, "retry");
        String scheme = server.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || server.getHost() == null) {
            throw SyncClientException.badInput("server URL '" + server + "' must be http(s)://host[:port][/path]");
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw SyncClientException.badInput("batchSize " + batchSize + " must be 1..1000 (the server takes at most 1000 ops a request)");
        }
        if (maxRequestBytes < 1024 || maxRequestBytes > SERVER_MAX_BYTES) {
            throw SyncClientException.badInput("maxRequestBytes " + maxRequestBytes + " must be 1024.." + SERVER_MAX_BYTES);
        }
        if (debounce.isNegative() || maxDebounce.compareTo(debounce) < 0) {
            throw SyncClientException.badInput("debounce " + debounce + " must be >= 0 and <= maxDebounce " + maxDebounce);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw SyncClientException.badInput("interval " + interval + " must be positive");
        }
        Objects.requireNonNull(strategy, "strategy");
        perType = Map.copyOf(perType);
        if (tieStrategy == ConflictStrategy.MANUAL || tieStrategy == ConflictStrategy.MERGE || tieStrategy == null) {
            throw SyncClientException.badInput("tieStrategy " + tieStrategy + " must be local-wins, remote-wins or newest-wins");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw SyncClientException.badInput("requestTimeout " + requestTimeout + " must be positive");
        }
        if (pullLimit < 1 || pullLimit > 5000) {
            throw SyncClientException.badInput("pullLimit " + pullLimit + " must be 1..5000");
        }
    }

    public static SyncConfig defaults(URI server, Supplier<String> token) {
        return new SyncConfig(server, token, 50, 1024 * 1024, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30),
                ConflictStrategy.NEWEST_WINS, Map.of(), ConflictStrategy.NEWEST_WINS, RetryPolicy.DEFAULT, Duration.ofSeconds(30), 2000, true);
    }

    public ConflictStrategy strategyFor(String type) {
        return perType.getOrDefault(type, strategy);
    }

    public SyncConfig withBatchSize(int n) {
        return new SyncConfig(server, token, n, maxRequestBytes, debounce, maxDebounce, interval, strategy, perType, tieStrategy, retry, requestTimeout, pullLimit, autoSync);
    }

    public SyncConfig withMaxRequestBytes(long n) {
        return new SyncConfig(server, token, batchSize, n, debounce, maxDebounce, interval, strategy, perType, tieStrategy, retry, requestTimeout, pullLimit, autoSync);
    }

    public SyncConfig withDebounce(Duration d, Duration max) {
        return new SyncConfig(server, token, batchSize, maxRequestBytes, d, max, interval, strategy, perType, tieStrategy, retry, requestTimeout, pullLimit, autoSync);
    }

    public SyncConfig withInterval(Duration d) {
        return new SyncConfig(server, token, batchSize, maxRequestBytes, debounce, maxDebounce, d, strategy, perType, tieStrategy, retry, requestTimeout, pullLimit, autoSync);
    }

    public SyncConfig withStrategy(ConflictStrategy s) {
        return new SyncConfig(server, token, batchSize, maxRequestBytes, debounce, maxDebounce, interval, s, perType, tieStrategy, retry, requestTimeout, pullLimit, autoSync);
    }

    public SyncConfig withStrategy(String type, ConflictStrategy s) {
        Map<String, ConflictStrategy> m = new HashMap<>(perType);
        m.put(type, s);
        return new SyncConfig(server, token, batchSize, maxRequestBytes, debounce, maxDebounce, interval, strategy, m, tieStrategy, retry, requestTimeout, pullLimit, autoSync);
    }

    public SyncConfig withTieStrategy(ConflictStrategy s) {
        return new SyncConfig(server, token, batchSize, maxRequestBytes, debounce, maxDebounce, interval, strategy, perType, s, retry, requestTimeout, pullLimit, autoSync);
    }

    public SyncConfig withRetry(RetryPolicy r) {
        return new SyncConfig(server, token, batchSize, maxRequestBytes, debounce, maxDebounce, interval, strategy, perType, tieStrategy, r, requestTimeout, pullLimit, autoSync);
    }

    public SyncConfig withPullLimit(int n) {
        return new SyncConfig(server, token, batchSize, maxRequestBytes, debounce, maxDebounce, interval, strategy, perType, tieStrategy, retry, requestTimeout, n, autoSync);
    }

    public SyncConfig withAutoSync(boolean on) {
        return new SyncConfig(server, token, batchSize, maxRequestBytes, debounce, maxDebounce, interval, strategy, perType, tieStrategy, retry, requestTimeout, pullLimit, on);
    }

    @Override
    public String toString() {
        // why: the token is a secret; never let it reach a log line
        return "SyncConfig[server=" + server + ", token=***, batchSize=" + batchSize + ", maxRequestBytes=" + maxRequestBytes
                + ", debounce=" + debounce + ", interval=" + interval + ", strategy=" + strategy.wire() + ", perType=" + perType
                + ", tieStrategy=" + tieStrategy.wire() + ", retry=" + retry + ", autoSync=" + autoSync + "]";
    }
}
