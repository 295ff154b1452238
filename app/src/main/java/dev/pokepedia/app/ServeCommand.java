package dev.pokepedia.app;

import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.CorpusVerifier;
import dev.pokepedia.corpus.VerifyReport;
import dev.pokepedia.media.MediaVerifier;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.server.ActionUnavailableException;
import dev.pokepedia.server.AdminActions;
import dev.pokepedia.server.AdminPassword;
import dev.pokepedia.server.MediaLinks;
import dev.pokepedia.server.PokepediaServer;
import dev.pokepedia.server.ServerOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the mirror over HTTP: a PokeAPI-compatible read API from Postgres (/api/v2/…), Pokédex queries "
                + "(/pokedex/…), the Pokédex page (/), stored media (/storage/v1/object/public/…, folder storage), the admin "
                + "dashboard (/admin, needs POKEPEDIA_ADMIN_PASSWORD), /healthz, /readyz, /metrics and /openapi.json.",
                "Ctrl-C or SIGTERM stops it gracefully: no new connections, in-flight requests finish."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = ServerOptions.DEFAULT_HOST, description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ServerOptions.DEFAULT_PORT, description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "scheme://host[:port] clients use (behind a proxy); written into documents and links. Default: the bound address.")
    URI publicUrl;

    @Option(names = "--storage", paramLabel = "URL",
            description = "Media storage as for 'media': file:///folder or s3://… Default: $STORAGE_URL, else <data-dir>/storage.")
    String storage;

    @Option(names = "--media-url", paramLabel = "self|upstream|URL",
            description = "Where media URLs of stored assets point: 'self' (this server's storage route; folder storage), a public base "
                    + "(e.g. https://PROJECT.supabase.co) or 'upstream' (no rewriting). Default: self for folder storage, else upstream.")
    String mediaUrl;

    @Option(names = "--no-workers", description = "Serve HTTP only: start no queue workers and no scheduler in this process.")
    boolean noWorkers;

    @Option(names = "--db-pool", defaultValue = "16", paramLabel = "N", description = "Database connections (default ${DEFAULT-VALUE}).")
    int dbPool;

    @Option(names = "--cache-mb", defaultValue = "128", paramLabel = "MB", description = "Memory for rendered documents (default ${DEFAULT-VALUE}).")
    int cacheMb;

    @Option(names = "--response-cache-ms", defaultValue = "1000", paramLabel = "MS",
            description = "Identical public JSON requests within this time share one answer (default ${DEFAULT-VALUE}; 0 = always read the database).")
    long responseCacheMs;

    @Option(names = "--max-list-limit", defaultValue = "" + ServerOptions.DEFAULT_MAX_LIST_LIMIT, paramLabel = "N",
            description = "Largest 'limit' of /api/v2 lists (default ${DEFAULT-VALUE}; keeps the common ?limit=100000 idiom working).")
    int maxListLimit;

    @Override
    public Integer call() throws Exception {
        var settings = global.settings();
        ServerOptions options = ServerOptions.defaults().withHost(host).withPort(port).withPublicUrl(publicUrl)
                .withAdminPassword(AdminPassword.fromEnv(settings.env()).orElse(null))
                .withDocumentCacheMb(cacheMb).withMaxListLimit(maxListLimit).withResponseCacheTtl(java.time.Duration.ofMillis(responseCacheMs));
        // why: the server answers many requests at once; the CLI's default pool of 4 would make them queue for connections
        try (GlobalOptions.Opened opened = settings.openDatabase(dbPool);
             ObjectStore store = ObjectStores.open(storage, settings.dataDir(), settings.env());
             Queues queues = Queues.open(opened.db())) {
            Database db = opened.db();
            MediaLinks links = mediaUrl != null ? MediaLinks.parse(mediaUrl)
                    : store.localFolder().isPresent() ? MediaLinks.self() : MediaLinks.upstream();
            options = options.withMediaLinks(links);

            // ---- lead (issue 4): wire here ---------------------------------------------------------------------
            // Unless noWorkers: start the live path's queue workers and the scheduler in this process. Give them a
            // PrometheusMeterRegistry and pass the same one to the builder (.meterRegistry(registry)) so /metrics shows
            // their counters. Replace seed / setScheduleEnabled in ServeActions with the live path's seeder and the
            // scheduler. In the shutdown hook, stop them (finishing in-flight messages) before or alongside server.close().
            AdminActions actions = new ServeActions(db);
            // -------------------------------------------------------------------------------------------------------

            PokepediaServer server = PokepediaServer.builder(db).options(options).objectStore(store).queues(queues)
                    .adminActions(actions).start();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "serve-shutdown"));
            System.out.printf("serving %s  (Pokédex %s/, API %s/api/v2/, admin %s)%n", server.baseUri(), server.baseUri(), server.baseUri(),
                    options.adminEnabled() ? server.baseUri() + "/admin" : "disabled: set " + AdminPassword.ENV);
            System.out.printf("storage %s, media links: %s%s; Ctrl-C stops%n", store.describe(), links.kind().name().toLowerCase(),
                    noWorkers ? ", no workers" : "");
            System.out.flush();
            stopped.await();
            return 0;
        }
    }

    /** What {@code serve} can do today from the dashboard; seed and schedules come with the live path (issue 4). */
    private record ServeActions(Database db) implements AdminActions {
        @Override
        public long seed(List<String> types) {
            throw new ActionUnavailableException("seed");
        }

        @Override
        public String runVerify() {
            VerifyReport corpus = new CorpusVerifier(db).verify();
            List<VerifyReport.Check> checks = new ArrayList<>(corpus.checks());
            checks.addAll(new MediaVerifier(db).verify(null));
            long failed = checks.stream().filter(c -> !c.ok()).count();
            return (failed == 0 ? "all " + checks.size() + " checks passed" : failed + " of " + checks.size() + " checks failed: ")
                    + checks.stream().filter(c -> !c.ok()).map(c -> c.name() + " (" + c.detail() + ")").collect(Collectors.joining("; "));
        }

        @Override
        public void setScheduleEnabled(String name, boolean enabled) {
            throw new ActionUnavailableException("schedule " + (enabled ? "enable" : "disable"));
        }
    }

}
