package dev.pokepedia.app;

import dev.pokepedia.core.Database;
import dev.pokepedia.live.CrawlStatus;
import dev.pokepedia.live.LiveConfig;
import dev.pokepedia.live.LivePath;
import dev.pokepedia.live.LiveQueues;
import dev.pokepedia.live.schedule.ScheduleRunner;
import dev.pokepedia.live.schedule.Scheduler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import dev.pokepedia.corpus.CorpusVerifier;
import dev.pokepedia.corpus.VerifyReport;
import dev.pokepedia.media.MediaVerifier;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.server.ActionUnavailableException;
import dev.pokepedia.server.AdminActions;
import dev.pokepedia.server.CrawlSummary;
import dev.pokepedia.server.ScheduleSummary;
import dev.pokepedia.server.AdminPassword;
import dev.pokepedia.server.MediaLinks;
import dev.pokepedia.server.PokepediaServer;
import dev.pokepedia.server.ServerOptions;
import dev.pokepedia.sync.SyncConfig;
import dev.pokepedia.sync.SyncService;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the mirror over HTTP: a PokeAPI-compatible read API from Postgres (/api/v2/…), Pokédex queries "
                + "(/pokedex/…), the Pokédex page (/), stored media (/storage/v1/object/public/…, folder storage), the admin "
                + "dashboard (/admin, needs POKEPEDIA_ADMIN_PASSWORD), offline-first app sync (/sync/v1, needs POKEPEDIA_JWT_SECRET or "
                + "SUPABASE_JWT_SECRET), /healthz, /readyz, /metrics and /openapi.json.",
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

    @ArgGroup(exclusive = false, heading = "Live path (workers, scheduler, seed button):%n")
    LiveOptions live = new LiveOptions();

    @Option(names = "--media-url", paramLabel = "self|upstream|URL",
            description = "Where media URLs of stored assets point: 'self' (this server's storage route; folder storage), "
                    + "'upstream' (no rewriting), or a public base URL such as%nhttps://PROJECT.supabase.co%n"
                    + "Default: self for folder storage, else upstream.")
    String mediaUrl;

    @Option(names = "--no-workers", description = "Serve HTTP only: start no queue workers and no scheduler in this process.")
    boolean noWorkers;

    @Option(names = "--db-pool", defaultValue = "16", paramLabel = "N", description = "Database connections (default ${DEFAULT-VALUE}).")
    int dbPool;

    @Option(names = "--cache-mb", defaultValue = "1024", paramLabel = "MB", description = "Memory for serving from memory: rendered documents with their gzip form (the full corpus takes about 400 MB; default ${DEFAULT-VALUE}; 0 reads the database per request).")
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
        LiveConfig liveConfig = live.config(settings.env());
        int pool = dbPool + (noWorkers ? 0 : liveConfig.ingestConcurrency() + liveConfig.spriteConcurrency() + 6);
        try (GlobalOptions.Opened opened = settings.openDatabase(pool);
             ObjectStore store = ObjectStores.open(live.storage, settings.dataDir(), settings.env());
             Queues queues = Queues.open(opened.db())) {
            Database db = opened.db();
            MediaLinks links = mediaUrl != null ? MediaLinks.parse(mediaUrl)
                    : store.localFolder().isPresent() ? MediaLinks.self() : MediaLinks.upstream();
            options = options.withMediaLinks(links);

            // why one registry: /metrics shows the workers' queue and crawl counters next to the HTTP ones
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Clock clock = Clock.systemUTC();
            LivePath livePath = new LivePath(db, queues, store, liveConfig, registry, clock);
            Scheduler scheduler = AppSchedules.scheduler(db, clock, settings.env(), livePath.scheduledTasks());
            scheduler.ensureDefaults();
            ScheduleRunner runner = null;
            if (!noWorkers) {
                livePath.start(Set.of(LiveQueues.INGEST, LiveQueues.SPRITES));
                runner = new ScheduleRunner(scheduler, clock);
            }
            AdminActions actions = new ServeActions(db, livePath, scheduler);

            SyncConfig syncConfig = SyncConfig.fromEnv(settings.env());
            SyncService sync = SyncService.open(db, syncConfig, registry, clock);
            PokepediaServer.Builder builder = PokepediaServer.builder(db).options(options).objectStore(store).queues(queues)
                    .adminActions(actions).meterRegistry(registry).syncService(sync);
            // the media library (issue 17), when a provider is configured
            var env = settings.env();
            boolean cloudinary = env.containsKey("CLOUDINARY_URL") || env.containsKey("CLOUDINARY_CLOUD_NAME");
            dev.pokepedia.medialibrary.MediaProvider mediaProvider = null;
            PokepediaServer server;
            try {
                if (cloudinary || env.containsKey("MEDIA_LIBRARY_S3_BUCKET")) {
                    mediaProvider = MediaLibraryCommand.provider(env, null);
                    builder.mediaLibrary(new dev.pokepedia.medialibrary.MediaLibrary(db, mediaProvider),
                            cloudinary ? new dev.pokepedia.medialibrary.WebhookVerifier(
                                    dev.pokepedia.medialibrary.CloudinaryConfig.fromEnv(env), clock) : null,
                            env.get("POKEPEDIA_MEDIA_API_TOKEN"));
                }
                server = builder.start();
            } catch (RuntimeException e) {
                sync.close();
                if (mediaProvider != null) {
                    mediaProvider.close();
                }
                throw e;
            }
            dev.pokepedia.medialibrary.MediaProvider openedProvider = mediaProvider;
            CountDownLatch stopped = new CountDownLatch(1);
            ScheduleRunner schedules = runner;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    if (schedules != null) {
                        schedules.close();
                    }
                    livePath.close(); // stops claiming, finishes in-flight messages, hands back the rest
                } finally {
                    server.close();
                    sync.close();
                    if (openedProvider != null) {
                        openedProvider.close();
                    }
                    stopped.countDown();
                }
            }, "serve-shutdown"));
            System.out.printf("serving %s  (Pokédex %s/, API %s/api/v2/, admin %s)%n", server.baseUri(), server.baseUri(), server.baseUri(),
                    options.adminEnabled() ? server.baseUri() + "/admin" : "disabled: set " + AdminPassword.ENV);
            System.out.printf("app sync (/sync/v1): %s%n", syncConfig.configured() ? "enabled, tokens verified with " + syncConfig.secretSource()
                    : "disabled: set " + SyncConfig.SECRET_ENV + " (or " + SyncConfig.SUPABASE_SECRET_ENV + ")");
            String mediaToken = env.get("POKEPEDIA_MEDIA_API_TOKEN");
            System.out.printf("media library (/api/media): %s%n", openedProvider == null
                    ? "disabled: set CLOUDINARY_URL (or MEDIA_LIBRARY_S3_BUCKET)"
                    : openedProvider.kind() + " " + openedProvider.cloud()
                            + (mediaToken == null || mediaToken.isBlank() ? ", API disabled: set POKEPEDIA_MEDIA_API_TOKEN" : "")
                            + (cloudinary ? ", webhooks at " + server.baseUri() + "/api/media/webhooks/cloudinary" : ""));
            System.out.printf("storage %s, media links: %s%s; Ctrl-C stops%n", store.describe(), links.kind().name().toLowerCase(),
                    noWorkers ? ", no workers" : "");
            System.out.flush();
            stopped.await();
            return 0;
        }
    }

    /** The dashboard's actions: seed through the live path, verify, schedules through the scheduler. */
    private record ServeActions(Database db, LivePath live, Scheduler scheduler) implements AdminActions {
        @Override
        public long seed(List<String> types) {
            try {
                return live.seed(null, new LinkedHashSet<>(types)).enqueued();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ActionUnavailableException("seed (interrupted)");
            }
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
            scheduler.setEnabled(name, enabled);
        }

        @Override
        public List<ScheduleSummary> schedules() {
            return scheduler.list().stream().map(s -> new ScheduleSummary(s.name(), s.cron(), s.task(), s.enabled(), s.nextRunAt(),
                    s.lastRunAt(), s.lastResult(), s.lastDuration(), s.lastError())).toList();
        }

        @Override
        public Optional<CrawlSummary> crawl() {
            CrawlStatus.Summary s = new CrawlStatus(db).summary();
            return Optional.of(new CrawlSummary(s.documents(), s.lastCheckedAt(), s.changedLastHour()));
        }
    }

}
