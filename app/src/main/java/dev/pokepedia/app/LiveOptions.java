package dev.pokepedia.app;

import dev.pokepedia.live.LiveConfig;
import dev.pokepedia.live.UpstreamOptions;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options of the live path (seed, work, selftest, doctor), turned into a {@link LiveConfig} in one place. */
final class LiveOptions {

    @Option(names = "--from", paramLabel = "URL|SNAPSHOT",
            description = "Server to seed from (e.g. https://pokeapi.co, http://127.0.0.1:8080) or a snapshot folder/.tar.gz. "
                    + "Default: $POKEPEDIA_UPSTREAM, else%n" + LiveConfig.DEFAULT_UPSTREAM)
    String from;

    @Option(names = "--concurrency", paramLabel = "N", description = "Handlers per queue in this process (default: 8).")
    Integer concurrency;

    @Option(names = "--upstream-concurrency", paramLabel = "N", description = "Requests in flight to upstream servers from this process (default: 8).")
    Integer upstreamConcurrency;

    @Option(names = "--rate", paramLabel = "PER_SECOND",
            description = "Requests per second to one upstream host from this process; 0 = unlimited. Default: 20 per public host, "
                    + "loopback/private/link-local hosts unlimited; a rate given here or in $POKEPEDIA_UPSTREAM_RATE applies to every host.")
    Double rate;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts per message before it is dead-lettered (default: 6).")
    Integer maxAttempts;

    @Option(names = "--visibility-timeout", paramLabel = "SECONDS",
            description = "How long a claimed message stays invisible to other workers; a crashed worker's messages come back after it (default: 120).")
    Integer visibilitySeconds;

    @Option(names = "--sprites-source", paramLabel = "FOLDER|FILE.tgz|URL|upstream",
            description = "Where the sprite worker gets sprite bytes (as `media --sprites-source`; default $POKEPEDIA_SPRITES_SOURCE, else upstream).")
    String spritesSource;

    @Option(names = "--cries-source", paramLabel = "FOLDER|FILE.tar.gz|URL|upstream",
            description = "Where the sprite worker gets cry bytes (default $POKEPEDIA_CRIES_SOURCE, else upstream).")
    String criesSource;

    @Option(names = "--storage", paramLabel = "URL", description = "file:///folder or s3://… (default: $STORAGE_URL, else <data-dir>/storage).")
    String storage;

    LiveConfig config(Map<String, String> env) {
        LiveConfig d = LiveConfig.defaults();
        String upstream = from != null ? from : env.getOrDefault("POKEPEDIA_UPSTREAM", d.upstream());
        UpstreamOptions http = d.http();
        if (upstreamConcurrency != null) {
            http = http.withConcurrency(upstreamConcurrency);
        }
        Double r = rate != null ? rate : env.containsKey("POKEPEDIA_UPSTREAM_RATE") ? parse(env.get("POKEPEDIA_UPSTREAM_RATE")) : null;
        if (r != null) {
            http = http.withRate(r);
        }
        int c = concurrency != null ? concurrency : d.ingestConcurrency();
        if (visibilitySeconds != null) {
            if (visibilitySeconds < 1) {
                throw new dev.pokepedia.core.ConfigurationException("--visibility-timeout must be at least 1 second", "Use e.g. --visibility-timeout 120.");
            }
            d = d.withVisibilityTimeout(java.time.Duration.ofSeconds(visibilitySeconds));
        }
        return d.withUpstream(upstream).withHttp(http).withConcurrency(c, c)
                .withMaxAttempts(maxAttempts != null ? maxAttempts : d.maxAttempts())
                .withMediaSources(spritesSource != null ? spritesSource : env.get("POKEPEDIA_SPRITES_SOURCE"),
                        criesSource != null ? criesSource : env.get("POKEPEDIA_CRIES_SOURCE"));
    }

    private static Double parse(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new dev.pokepedia.core.ConfigurationException("POKEPEDIA_UPSTREAM_RATE='" + v + "' is not a number", "Give requests per second, e.g. 20; 0 = unlimited.");
        }
    }
}
