package dev.pokepedia.server;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.Database;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.WebhookVerifier;
import dev.pokepedia.server.internal.HttpApp;
import dev.pokepedia.sync.SyncConfig;
import dev.pokepedia.sync.SyncService;
import dev.pokepedia.server.internal.MediaLibraryRoutes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code pokepedia serve} HTTP server: the PokeAPI-compatible read API and Pokédex queries from Postgres, the
 * storage route of the folder backend, the public Pokédex page, the admin dashboard, health, metrics and OpenAPI.
 *
 * <pre>{@code
 * try (PokepediaServer server = PokepediaServer.builder(db).options(ServerOptions.defaults().withPort(0))
 *         .objectStore(store).start()) {
 *     URI pikachu = server.baseUri().resolve("/api/v2/pokemon/pikachu/");
 * }
 * }</pre>
 *
 * Requests run on virtual threads (Javalin on Jetty 12). {@link #close()} stops accepting connections and lets
 * in-flight requests finish for up to {@link ServerOptions#shutdownGrace()}.
 */
public final class PokepediaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PokepediaServer.class);

    private final HttpApp app;
    private final Queues ownedQueues;
    private final SyncService ownedSync;
    private final URI baseUri;
    private final PrometheusMeterRegistry registry;
    private volatile boolean closed;

    private PokepediaServer(HttpApp app, Queues ownedQueues, SyncService ownedSync, PrometheusMeterRegistry registry) {
        this.app = app;
        this.ownedQueues = ownedQueues;
        this.ownedSync = ownedSync;
        this.registry = registry;
        this.baseUri = app.baseUri();
    }

    public static Builder builder(Database db) {
        return new Builder(db);
    }

    /** {@code http://host:port} as clients should use it (the public URL when one is configured). */
    public URI baseUri() {
        return baseUri;
    }

    public int port() {
        return app.port();
    }

    /**
     * Whether documents, lists and Pokédex queries are answered from memory: the change feed is connected and the
     * in-memory copy is loaded (false with {@code --cache-mb 0}, while warming up, and while the feed is reconnecting).
     */
    public boolean servingFromMemory() {
        return app.memoryWarm();
    }

    /** Where workers and other components of this process register their meters, so {@code /metrics} shows them. */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        app.stop();
        if (ownedQueues != null) {
            ownedQueues.close();
        }
        if (ownedSync != null) {
            ownedSync.close();
        }
        log.info("server stopped");
    }

    /** Collects what the server needs; only the database is required. */
    public static final class Builder {
        private final Database db;
        private ServerOptions options = ServerOptions.defaults();
        private ObjectStore store;
        private Queues queues;
        private AdminActions actions = AdminActions.notWired();
        private PrometheusMeterRegistry registry;
        private SyncService sync;
        private MediaLibraryRoutes media;

        private Builder(Database db) {
            this.db = Objects.requireNonNull(db, "db");
        }

        public Builder options(ServerOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** The media storage; null serves no storage route and never rewrites media URLs. */
        public Builder objectStore(ObjectStore s) {
            this.store = s;
            return this;
        }

        /** The queue client (pause/resume/redrive/discard); by default the server opens its own on the database. */
        public Builder queues(Queues q) {
            this.queues = q;
            return this;
        }

        public Builder adminActions(AdminActions a) {
            this.actions = Objects.requireNonNull(a, "actions");
            return this;
        }

        /** A registry shared with the rest of the process (workers); by default a new one. */
        public Builder meterRegistry(PrometheusMeterRegistry r) {
            this.registry = r;
            return this;
        }

        /**
         * The /sync/v1 service; by default the server opens its own with {@link SyncConfig#fromEnv} of the process
         * environment (without a JWT secret the sync routes answer 503) on the server's meter registry.
         */
        public Builder syncService(SyncService s) {
            this.sync = s;
            return this;
        }

        /**
         * Serves the media library routes ({@code /api/media…}) for this library: the Cloudinary webhook verified with
         * {@code verifier} (null: no webhook, as for an S3 bucket), the other routes behind
         * {@code Authorization: Bearer apiToken} (null or blank: they answer 403).
         */
        public Builder mediaLibrary(MediaLibrary library, WebhookVerifier verifier, String apiToken) {
            this.media = new MediaLibraryRoutes(Objects.requireNonNull(library, "library"),
                    verifier, apiToken);
            return this;
        }

        /** Binds the port and starts answering. */
        public PokepediaServer start() {
            if (options.mediaLinks().kind() == MediaLinks.Kind.SELF && (store == null || store.localFolder().isEmpty())) {
                if (store != null) {
                    throw new ConfigurationException("--media-url self needs the folder storage backend, but storage is " + store.describe(),
                            "Give --media-url with the storage's public base (e.g. https://PROJECT.supabase.co), or --media-url upstream");
                }
                options = options.withMediaLinks(MediaLinks.upstream()); // why: nothing stored locally to link to
            }
            PrometheusMeterRegistry reg = registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Queues q = queues;
            Queues owned = null;
            if (q == null) {
                owned = Queues.open(db);
                q = owned;
            }
            SyncService s = sync;
            SyncService ownedSync = null;
            try {
                if (s == null) {
                    ownedSync = SyncService.open(db, SyncConfig.fromEnv(System.getenv()), reg, options.clock());
                    s = ownedSync;
                }
                HttpApp app = HttpApp.start(db, options, store, q, actions, reg, s, media);
                log.info("serving at {} (admin {}, media links {}, sync {})", app.baseUri(), options.adminEnabled() ? "enabled" : "disabled",
                        options.mediaLinks().kind(), s.config().configured() ? "enabled" : "not configured");
                return new PokepediaServer(app, owned, ownedSync, reg);
            } catch (RuntimeException e) {
                if (owned != null) {
                    owned.close();
                }
                if (ownedSync != null) {
                    ownedSync.close();
                }
                throw e;
            }
        }
    }
}
