package dev.pokepedia.server.internal;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.Database;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.server.AdminActions;
import dev.pokepedia.server.ServerOptions;
import dev.pokepedia.sync.SyncService;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * Wires the routes onto Javalin (Jetty 12, virtual threads). Route handlers live in their own classes; this class only
 * says which path goes where, which routes are public (CORS), and how errors are answered.
 */
public final class HttpApp {

    private static final String ERROR_WRITTEN = "pokepedia.errorWritten";

    private final Javalin javalin;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Services services;
    private volatile MediaLibraryRoutes media;
    private volatile MemoryServing memory;
    private URI baseUri;

    /** Everything the handlers use, built once the port (and so the base URL) is known. */
    record Services(ResourceApi resources, PokedexApi pokedex, StorageRoute storage, Health health, MetricsRoute metrics,
                    OpenApi openApi, Pages pages, AdminRoutes admin, SyncRoutes sync) {}

    private final RequestLog requestLog;

    private HttpApp(ServerOptions options, PrometheusMeterRegistry registry) {
        this.requestLog = new RequestLog(registry);
        this.javalin = Javalin.create(cfg -> configure(cfg, options));
    }

    public static HttpApp start(Database db, ServerOptions options, ObjectStore store, Queues queues, AdminActions actions,
                                PrometheusMeterRegistry registry, SyncService sync) {
        return start(db, options, store, queues, actions, registry, sync, null);
    }

    /** @param media the media library routes, or null when no media library is configured (its routes are 404s) */
    public static HttpApp start(Database db, ServerOptions options, ObjectStore store, Queues queues, AdminActions actions,
                                PrometheusMeterRegistry registry, SyncService sync, MediaLibraryRoutes media) {
        HttpApp app = new HttpApp(options, registry);
        app.media = media;
        try {
            app.javalin.start();
        } catch (RuntimeException e) {
            throw new ConfigurationException("Cannot listen on " + options.host() + ":" + options.port() + ": " + rootMessage(e),
                    "Pick another --port (0 = any free port), or stop the process using this one");
        }
        if (media != null) {
            media.start(db.config(), queues, registry, options.clock()); // why after the bind: a port clash starts no worker
        }
        app.baseUri = options.publicUrl() != null ? stripSlash(options.publicUrl())
                : URI.create("http://" + displayHost(options.host()) + ":" + app.javalin.port());
        Path folder = store == null ? null : store.localFolder().orElse(null);
        String base = app.baseUri.toString();
        String mediaBase = switch (options.mediaLinks().kind()) {
            case SELF -> base;
            case BASE -> options.mediaLinks().base().toString();
            case UPSTREAM -> null;
        };
        DocumentRenderer renderer = new DocumentRenderer(base, mediaBase);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        ResourceStore resourceStore = new ResourceStore(db, mediaBase != null);
        PokedexStore pokedexStore = new PokedexStore(db, renderer);
        // why: --cache-mb 0 keeps the old read-the-database-per-request path (and its response micro-cache)
        MemoryServing memory = options.documentCacheMb() > 0
                ? new MemoryServing(db, resourceStore, renderer, pokedexStore, (long) options.documentCacheMb() << 20).start() : null;
        app.memory = memory;
        app.services = new Services(
                new ResourceApi(resourceStore, renderer, options.maxListLimit(), options.documentCacheMb(), memory),
                new PokedexApi(pokedexStore, options.maxPokedexLimit(), base, memory),
                new StorageRoute(folder, options.storageBuckets()),
                new Health(db, store, folder),
                new MetricsRoute(registry, new DbMetrics(db, queues, registry)),
                new OpenApi(base),
                new Pages(),
                options.adminEnabled() ? new AdminRoutes(db, options, app.baseUri, queues, actions, sync,
                        media == null ? null : media.library()) : null,
                new SyncRoutes(sync));
        app.ready.countDown();
        return app;
    }

    interface MediaCall {
        void run() throws Exception;
    }

    /** Provider failures and the module's argument checks become 4xx/5xx answers naming what went wrong. */
    private static void mediaCall(MediaCall call) throws Exception {
        try {
            call.run();
        } catch (dev.pokepedia.medialibrary.ProviderException e) {
            throw MediaLibraryRoutes.provider(e);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(String.valueOf(e.getMessage()));
        }
    }

    private MediaLibraryRoutes media() {
        MediaLibraryRoutes m = media;
        if (m == null) {
            throw ApiException.notFound("No media library is configured on this server.");
        }
        return m;
    }

    public URI baseUri() {
        return baseUri;
    }

    /** Whether reads are served from memory (the change feed is connected and the in-memory copy fully loaded). */
    public boolean memoryWarm() {
        MemoryServing m = memory;
        return m != null && m.warm();
    }

    public int port() {
        return javalin.port();
    }

    public void stop() {
        Services s = services;
        if (s != null) {
            s.sync().stopStreams(); // why: open event streams would otherwise hold the graceful stop for its whole grace
        }
        javalin.stop();
        if (memory != null) {
            memory.close();
        }
        if (media != null) {
            media.close();
        }
    }

    private void configure(JavalinConfig cfg, ServerOptions options) {
        cfg.concurrency.useVirtualThreads = true;
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.jetty.host = options.host();
        cfg.jetty.port = options.port();
        cfg.jetty.modifyServer(server -> {
            // why: on stop, Jetty closes the connectors first, then waits for requests the GracefulHandler sees running
            server.setHandler(new GracefulHandler());
            server.setStopTimeout(options.shutdownGrace().toMillis());
        });
        cfg.http.compressionStrategy = CompressionStrategy.NONE; // why: Responder gzips itself, with per-encoding ETags
        cfg.http.generateEtags = false;
        cfg.router.ignoreTrailingSlashes = true;
        cfg.staticFiles.enableWebjars();
        cfg.staticFiles.add(sf -> {
            sf.hostedPath = "/static";
            sf.directory = "/pokepedia/static";
            sf.location = io.javalin.http.staticfiles.Location.CLASSPATH;
            sf.headers = java.util.Map.of("Cache-Control", "public, max-age=3600");
        });
        cfg.requestLogger.http((ctx, ms) -> requestLog.log(ctx, ms));

        var r = cfg.routes;
        r.before(ctx -> {
            if (!ready.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("server did not finish starting");
            }
            RequestLog.assignId(ctx);
            ctx.header("X-Content-Type-Options", "nosniff");
            if (isPublic(ctx.path())) {
                ctx.header("Access-Control-Allow-Origin", "*");
                ctx.header("Access-Control-Expose-Headers", "ETag, Content-Length, Content-Range, Accept-Ranges, X-Request-Id");
            }
        });
        r.exception(Exception.class, (e, ctx) -> {
            ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
            ErrorMapper.handle(e, ctx);
        });
        r.error(404, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null) {
                Responder.json(ctx, 404, Json.error("Not found.", null));
            }
        });
        r.error(405, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null) {
                Responder.json(ctx, 405, Json.error("Method \"" + ctx.method().name() + "\" not allowed.", null));
            }
        });
        r.addHttpHandler(HandlerType.OPTIONS, "/<rest>", HttpApp::preflight);

        // operations
        get(r, "/healthz", ctx -> services.health().alive(ctx));
        get(r, "/readyz", ctx -> services.health().ready(ctx));
        get(r, "/metrics", ctx -> services.metrics().scrape(ctx));
        get(r, "/openapi.json", ctx -> services.openApi().serve(ctx));

        // PokeAPI-compatible read API
        // why no micro-cache with memory serving: it would answer up to its lifetime after a change, and memory is as fast
        ResponseCache micro = new ResponseCache(options.documentCacheMb() > 0 ? java.time.Duration.ZERO : options.responseCacheTtl(),
                Math.max(8, options.documentCacheMb() / 2));
        get(r, "/api/v2", micro.wrap(ctx -> services.resources().root(ctx)));
        get(r, "/api/v2/{endpoint}", micro.wrap(ctx -> services.resources().list(ctx)));
        get(r, "/api/v2/{endpoint}/{id}", micro.wrap(ctx -> services.resources().document(ctx)));
        get(r, "/api/v2/{endpoint}/{id}/encounters", micro.wrap(ctx -> services.resources().encounters(ctx)));

        // Pokédex queries on the projections
        get(r, "/pokedex/{kind}", micro.wrap(ctx -> services.pokedex().list(ctx)));
        get(r, "/pokedex/{kind}/{id}", micro.wrap(ctx -> services.pokedex().one(ctx)));

        // storage (folder backend), Supabase-shaped
        get(r, "/storage/v1/object/public/{bucket}/<path>", ctx -> services.storage().serve(ctx));

        // the public Pokédex page
        get(r, "/", ctx -> services.pages().pokedex(ctx));

        // offline-first sync for apps (issue 16)
        SyncRoutes.register(r, () -> services.sync());
        // media library (issue 17): the webhook is authenticated by its signature, the rest by a bearer token
        for (MediaLibraryRoutes.Route route : MediaLibraryRoutes.ROUTES) {
            r.addHttpHandler(route.method(), route.path(), ctx -> mediaCall(() -> route.call().handle(media(), ctx)));
        }

        // admin dashboard
        AdminRoutes.register(r, () -> services.admin(), options);
    }

    /** GET plus HEAD (Jetty sends HEAD answers without their body). */
    private static void get(io.javalin.config.RoutesConfig r, String path, Handler h) {
        r.get(path, h);
        r.head(path, h);
    }

    static boolean isPublic(String path) {
        if (path.startsWith("/api/media")) {
            return false; // why: token-protected, and the webhook is server-to-server; no browser of another origin
        }
        return path.startsWith("/api/") || path.equals("/api") || path.startsWith("/pokedex/") || path.startsWith("/storage/")
                || path.equals("/openapi.json");
    }

    private static void preflight(Context ctx) {
        if (!isPublic(ctx.path())) {
            throw ApiException.notFound();
        }
        ctx.header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since, Range, If-Range, Accept-Encoding, Content-Type");
        ctx.header("Access-Control-Max-Age", "86400");
        ctx.status(204);
    }

    private static URI stripSlash(URI u) {
        String s = u.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    private static String displayHost(String host) {
        // why: a wildcard bind address is no address a client can use; links then name the loopback interface
        return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
