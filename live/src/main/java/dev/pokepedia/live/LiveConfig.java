package dev.pokepedia.live;

import dev.pokepedia.core.ConfigurationException;
import java.time.Duration;

/**
 * Settings of the live path, built in one place (the CLI) from flags and environment.
 *
 * @param upstream          default server to seed from (scheduled refresh, selftest): a base URL or a snapshot
 * @param http              politeness toward upstream servers
 * @param ingestConcurrency ingest handlers at once per process
 * @param spriteConcurrency sprite handlers at once per process
 * @param maxAttempts       attempts per message before it is dead-lettered with its last error
 * @param retryDelay        first delay before a failed message is retried; doubles per attempt up to 5 minutes
 * @param spritesSource     where sprite bytes come from (as {@code pokepedia media --sprites-source}); null = upstream
 * @param criesSource       where cry bytes come from; null = upstream
 */
public record LiveConfig(String upstream, UpstreamOptions http, int ingestConcurrency, int spriteConcurrency, int maxAttempts,
                         Duration visibilityTimeout, Duration retryDelay, String spritesSource, String criesSource) {

    public static final String DEFAULT_UPSTREAM = "https://pokeapi.co";

    public LiveConfig {
        if (upstream == null || upstream.isBlank()) {
            throw new ConfigurationException("No upstream to seed from", "Set POKEPEDIA_UPSTREAM or pass --from (a URL or a snapshot).");
        }
        if (ingestConcurrency < 1 || spriteConcurrency < 1) {
            throw new ConfigurationException("worker concurrency must be at least 1", "Use --concurrency 8 or so.");
        }
        if (maxAttempts < 1) {
            throw new ConfigurationException("max attempts must be at least 1, got " + maxAttempts, "");
        }
    }

    public static LiveConfig defaults() {
        return new LiveConfig(DEFAULT_UPSTREAM, UpstreamOptions.defaults(), 8, 8, 6, Duration.ofMinutes(2), Duration.ofSeconds(1), null, null);
    }

    public LiveConfig withUpstream(String u) {
        return new LiveConfig(u, http, ingestConcurrency, spriteConcurrency, maxAttempts, visibilityTimeout, retryDelay, spritesSource, criesSource);
    }

    public LiveConfig withHttp(UpstreamOptions h) {
        return new LiveConfig(upstream, h, ingestConcurrency, spriteConcurrency, maxAttempts, visibilityTimeout, retryDelay, spritesSource, criesSource);
    }

    public LiveConfig withConcurrency(int ingest, int sprites) {
        return new LiveConfig(upstream, http, ingest, sprites, maxAttempts, visibilityTimeout, retryDelay, spritesSource, criesSource);
    }

    public LiveConfig withMaxAttempts(int n) {
        return new LiveConfig(upstream, http, ingestConcurrency, spriteConcurrency, n, visibilityTimeout, retryDelay, spritesSource, criesSource);
    }

    public LiveConfig withVisibilityTimeout(Duration d) {
        return new LiveConfig(upstream, http, ingestConcurrency, spriteConcurrency, maxAttempts, d, retryDelay, spritesSource, criesSource);
    }

    public LiveConfig withRetryDelay(Duration d) {
        return new LiveConfig(upstream, http, ingestConcurrency, spriteConcurrency, maxAttempts, visibilityTimeout, d, spritesSource, criesSource);
    }

    public LiveConfig withMediaSources(String sprites, String cries) {
        return new LiveConfig(upstream, http, ingestConcurrency, spriteConcurrency, maxAttempts, visibilityTimeout, retryDelay, sprites, cries);
    }
}
