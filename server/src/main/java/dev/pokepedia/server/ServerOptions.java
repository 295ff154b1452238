package dev.pokepedia.server;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.ListenAddress;
import dev.pokepedia.media.Asset;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How {@code pokepedia serve} listens and behaves. Validated on construction (each error says how to fix it); start
 * from {@link #defaults()} and use the {@code with…} methods.
 *
 * @param host             address to bind
 * @param port             0 picks a free port
 * @param publicUrl        scheme://host[:port] clients use; written into documents and list links. Null: the bound
 *                         socket's {@code http://host:port}
 * @param mediaLinks       how media URLs in documents are rewritten
 * @param adminPassword    null keeps the admin pages disabled
 * @param maxListLimit     largest {@code limit} of the PokeAPI-compatible lists (bigger → 400)
 * @param maxPokedexLimit  largest {@code limit} of the Pokédex queries (bigger → 400)
 * @param documentCacheMb  memory for rendered documents (raw + gzip), reused while the stored version is unchanged
 * @param responseCacheTtl how long an identical public JSON request may reuse the previous answer (0 = never): a
 *                         change in the database shows up at most this much later
 * @param shutdownGrace    how long a stop waits for in-flight requests
 * @param clock            sessions, login throttling and dashboard ages; tests pass a controllable one
 * @param storageBuckets   the buckets {@code /storage/v1/object/public/{bucket}/…} serves from the folder storage (the
 *                         mirror's own, {@code pokedex-sprites} and {@code pokedex-cries}, unless configured); any other
 *                         folder under the storage root is not served
 */
public record ServerOptions(String host, int port, URI publicUrl, MediaLinks mediaLinks, AdminPassword adminPassword,
                            int maxListLimit, int maxPokedexLimit, int documentCacheMb, Duration responseCacheTtl, Duration shutdownGrace,
                            Clock clock, Set<String> storageBuckets) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_LIST_LIMIT = 100_000;
    public static final int DEFAULT_MAX_POKEDEX_LIMIT = 200;
    /** The buckets the mirror writes (media's {@code Asset.SPRITES_BUCKET} and {@code Asset.CRIES_BUCKET}). */
    public static final Set<String> DEFAULT_STORAGE_BUCKETS = Set.of(Asset.SPRITES_BUCKET, Asset.CRIES_BUCKET);

    public ServerOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(mediaLinks, "mediaLinks");
        if (storageBuckets == null || storageBuckets.isEmpty()) {
            throw new ConfigurationException("no storage buckets to serve", "Give at least one bucket, e.g. " + DEFAULT_STORAGE_BUCKETS);
        }
        for (String b : storageBuckets) {
            if (b == null || !b.matches("^[a-z0-9][a-z0-9-]{0,62}$")) {
                throw new ConfigurationException("storage bucket name '" + b + "' is not valid",
                        "Bucket names are 1-63 lower-case letters, digits and '-', starting with a letter or digit");
            }
        }
        storageBuckets = Set.copyOf(storageBuckets);
        ListenAddress.check(host, port, publicUrl);
        if (maxListLimit < 1) {
            throw new ConfigurationException("max list limit " + maxListLimit + " must be at least 1", "Give e.g. " + DEFAULT_MAX_LIST_LIMIT);
        }
        if (maxPokedexLimit < 1 || maxPokedexLimit > 10_000) {
            throw new ConfigurationException("max Pokédex limit " + maxPokedexLimit + " must be 1-10000", "Give e.g. " + DEFAULT_MAX_POKEDEX_LIMIT);
        }
        if (documentCacheMb < 0) {
            throw new ConfigurationException("--cache-mb " + documentCacheMb + " is negative", "Give megabytes, or 0 to render every request");
        }
        if (responseCacheTtl == null || responseCacheTtl.isNegative() || responseCacheTtl.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigurationException("response cache time " + responseCacheTtl + " must be 0 to 10 minutes",
                    "Give e.g. 1 second; 0 makes every request read the database");
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new ConfigurationException("shutdown grace " + shutdownGrace + " must be zero or positive", "Give e.g. 10 seconds");
        }
    }

    /** 127.0.0.1:8080, media rewritten to this server, admin disabled, 128 MB document cache, system clock. */
    public static ServerOptions defaults() {
        return new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, null, MediaLinks.self(), null, DEFAULT_MAX_LIST_LIMIT,
                DEFAULT_MAX_POKEDEX_LIMIT, 128, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Clock.systemUTC(), DEFAULT_STORAGE_BUCKETS);
    }

    public boolean adminEnabled() {
        return adminPassword != null;
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, publicUrl, mediaLinks, adminPassword, maxListLimit, maxPokedexLimit, documentCacheMb, responseCacheTtl, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, publicUrl, mediaLinks, adminPassword, maxListLimit, maxPokedexLimit, documentCacheMb, responseCacheTtl, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withPublicUrl(URI u) {
        return new ServerOptions(host, port, u, mediaLinks, adminPassword, maxListLimit, maxPokedexLimit, documentCacheMb, responseCacheTtl, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withMediaLinks(MediaLinks m) {
        return new ServerOptions(host, port, publicUrl, m, adminPassword, maxListLimit, maxPokedexLimit, documentCacheMb, responseCacheTtl, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withAdminPassword(AdminPassword a) {
        return new ServerOptions(host, port, publicUrl, mediaLinks, a, maxListLimit, maxPokedexLimit, documentCacheMb, responseCacheTtl, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withMaxListLimit(int n) {
        return new ServerOptions(host, port, publicUrl, mediaLinks, adminPassword, n, maxPokedexLimit, documentCacheMb, responseCacheTtl, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withMaxPokedexLimit(int n) {
        return new ServerOptions(host, port, publicUrl, mediaLinks, adminPassword, maxListLimit, n, documentCacheMb, responseCacheTtl, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withDocumentCacheMb(int mb) {
        return new ServerOptions(host, port, publicUrl, mediaLinks, adminPassword, maxListLimit, maxPokedexLimit, mb, responseCacheTtl, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withResponseCacheTtl(Duration t) {
        return new ServerOptions(host, port, publicUrl, mediaLinks, adminPassword, maxListLimit, maxPokedexLimit, documentCacheMb, t, shutdownGrace, clock, storageBuckets);
    }

    public ServerOptions withClock(Clock c) {
        return new ServerOptions(host, port, publicUrl, mediaLinks, adminPassword, maxListLimit, maxPokedexLimit, documentCacheMb, responseCacheTtl, shutdownGrace, c, storageBuckets);
    }

    public ServerOptions withStorageBuckets(Set<String> buckets) {
        return new ServerOptions(host, port, publicUrl, mediaLinks, adminPassword, maxListLimit, maxPokedexLimit, documentCacheMb, responseCacheTtl, shutdownGrace, clock, buckets);
    }
}
