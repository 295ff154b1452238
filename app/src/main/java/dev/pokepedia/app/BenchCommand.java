package dev.pokepedia.app;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.DatabaseLocator;
import dev.pokepedia.corpus.bench.ImportBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Import.class, BenchCommand.Serve.class, BenchCommand.Sync.class},
        description = "Benchmarks that print ratios against baselines measured in the same run (see docs/benchmarks.md).")
final class BenchCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "COPY floor, 100-row upsert baseline, cold / unchanged / incremental import, decompress+hash floor. "
                    + "Uses (and drops) a scratch database 'pokepedia_bench' on the resolved server.")
    static final class Import implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @Option(names = "--snapshot", defaultValue = "../shared/data/pokeapi/api-data-2026-07-10.tar.gz",
                description = "Archive to import (default ${DEFAULT-VALUE}).")
        Path snapshot;

        @Option(names = "--older", defaultValue = "../shared/data/pokeapi/api-data-2026-06-06.tar.gz",
                description = "Older archive for the incremental measurement (default ${DEFAULT-VALUE}).")
        Path older;

        @Option(names = "--runs", defaultValue = "3", description = "Repetitions per measurement; the median is reported.")
        int runs;

        @Option(names = "--whole-command", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Also time the whole `pokepedia import` command: a new process into a fresh database, then unchanged (default: on).")
        boolean wholeCommand;

        @Override
        public Integer call() throws Exception {
            var settings = global.settings();
            try (var opened = settings.openDatabase()) {
                DatabaseConfig main = opened.db().config();
                DatabaseConfig bench = main.withDatabase("pokepedia_bench");
                DatabaseLocator.ensureDatabase(main, "pokepedia_bench");
                try (Database db = Database.open(bench, 4).migrate()) {
                    var results = new ImportBenchmark(db, snapshot, older.toFile().exists() ? older : null, runs, System.err).run();
                    ImportBenchmark.print(results, System.out);
                    if (wholeCommand) {
                        System.err.println("timing the whole `pokepedia import` command (new process, fresh database) …");
                        var whole = new dev.pokepedia.app.bench.WholeImportCommand(main, snapshot, runs).run();
                        double hash = results.get(0).seconds();
                        double floor = results.get(1).seconds();
                        System.out.printf("%n%-62s %9.2f%n", "pokepedia import, whole command, fresh database", whole.fresh());
                        System.out.printf("%-62s %9.2f%n", "pokepedia import, whole command, first re-import (records hashes)", whole.firstUnchanged());
                        System.out.printf("%-62s %9.2f%n", "pokepedia import, whole command, nothing changed", whole.unchanged());
                        System.out.printf("whole command / COPY floor        = %.2fx   (target <= 1.30x)%n", whole.fresh() / floor);
                        System.out.printf("whole re-import / decompress+hash = %.2fx   (target <= 1.50x)%n", whole.unchanged() / hash);
                    }
                } finally {
                    try (var c = opened.db().connection(); var st = c.createStatement()) {
                        st.execute("DROP DATABASE IF EXISTS pokepedia_bench WITH (FORCE)");
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Latency (p50/p90/p99) and requests/s of the read API with N concurrent keep-alive clients: a document, "
                    + "a list page, a Pokédex query and a cry from the storage route. Starts a server on the resolved database and "
                    + "storage, or measures a running one (--target).")
    static final class Serve implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @Option(names = "--target", paramLabel = "URL", description = "Measure this running server (e.g. http://127.0.0.1:8080) instead of starting one.")
        java.net.URI target;

        @Option(names = "--storage", paramLabel = "URL", description = "Storage of the started server (as for serve).")
        String storage;

        @Option(names = "--clients", defaultValue = "50", description = "Concurrent connections (default ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per URL (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured seconds per URL first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--path", paramLabel = "PATH", description = "URL paths to measure (default: the four of issue 5).")
        java.util.List<String> paths = new java.util.ArrayList<>(java.util.List.of("/api/v2/pokemon/25/", "/api/v2/pokemon/?limit=100&offset=200",
                "/pokedex/pokemon?type=fire&sort=-total_base_stat", "/storage/v1/object/public/pokedex-cries/cries/pokemon/latest/25.ogg"));

        @Option(names = "--random", description = "Also measure random realistic URLs (issue 18 mix), each request a different one, "
                + "and (with a started server) the freshness of writes across two servers.")
        boolean random;

        @Option(names = "--random-clients", split = ",", paramLabel = "N", description = "Client counts of the random phase (default: --clients).")
        java.util.List<Integer> randomClients;

        @Option(names = "--freshness", defaultValue = "200", description = "Writes sampled for the freshness figure with --random (default ${DEFAULT-VALUE}; 0 skips it).")
        int freshness;

        @Option(names = "--baseline", description = "With --random: also measure a server reading the database per request (--cache-mb 0, "
                + "no response cache) in the same run, for a same-machine-load ratio.")
        boolean baseline;

        @Option(names = "--cache-mb", defaultValue = "1024", description = "Memory budget of the started servers (default ${DEFAULT-VALUE}).")
        int cacheMb;

        @Override
        public Integer call() throws Exception {
            if (target != null) {
                measure(target, null);
                return 0;
            }
            var settings = global.settings();
            var options = dev.pokepedia.server.ServerOptions.defaults().withPort(0).withDocumentCacheMb(cacheMb);
            try (var opened = settings.openDatabase();
                 var store = dev.pokepedia.media.ObjectStores.open(storage, settings.dataDir(), settings.env());
                 var server = dev.pokepedia.server.PokepediaServer.builder(opened.db()).options(options).objectStore(store).start();
                 // why a second server: freshness counts only when every serve process has the write
                 var second = random ? dev.pokepedia.server.PokepediaServer.builder(opened.db()).options(options).objectStore(store).start() : null;
                 var sql = random && baseline ? dev.pokepedia.server.PokepediaServer.builder(opened.db())
                         .options(options.withDocumentCacheMb(0).withResponseCacheTtl(java.time.Duration.ZERO)).objectStore(store).start() : null) {
                long started = System.nanoTime();
                while (cacheMb > 0 && !(server.servingFromMemory() && (second == null || second.servingFromMemory()))) {
                    if (System.nanoTime() - started > 600_000_000_000L) {
                        throw new IllegalStateException("the servers did not finish loading memory within 10 minutes");
                    }
                    Thread.sleep(200);
                }
                System.err.printf("servers warm after %.1f s%n", (System.nanoTime() - started) / 1e9);
                measure(server.baseUri(), sql == null ? null : sql.baseUri());
                if (random && freshness > 0) {
                    dev.pokepedia.app.bench.FreshnessProbe.run(opened.db(), java.util.List.of(server.baseUri(), second.baseUri()), freshness, System.err)
                            .print(2, System.out);
                }
            }
            return 0;
        }

        private void measure(java.net.URI base, java.net.URI baselineServer) throws Exception {
            var results = new java.util.ArrayList<>(bench(base, clients).run(paths));
            if (random) {
                var urls = dev.pokepedia.app.bench.RandomUrls.from(base);
                for (int n : randomClients == null ? java.util.List.of(clients) : randomClients) {
                    results.add(rename(bench(base, n).runRandom("random", urls), "random URLs, memory, " + n + " clients"));
                    if (baselineServer != null) {
                        var sqlUrls = dev.pokepedia.app.bench.RandomUrls.from(baselineServer);
                        results.add(rename(bench(baselineServer, n).runRandom("random", sqlUrls), "random URLs, SQL per request, " + n + " clients"));
                    }
                }
            }
            dev.pokepedia.app.bench.ServeBenchmark.print(results, clients, System.out);
        }

        /** A load of {@code n} clients on {@code server}, with this command's warm-up and measured seconds. */
        private dev.pokepedia.app.bench.ServeBenchmark bench(java.net.URI server, int n) {
            return new dev.pokepedia.app.bench.ServeBenchmark(server, n, java.time.Duration.ofSeconds(warmup), java.time.Duration.ofSeconds(seconds),
                    System.err);
        }

        private static dev.pokepedia.app.bench.ServeBenchmark.Result rename(dev.pokepedia.app.bench.ServeBenchmark.Result r, String label) {
            return new dev.pokepedia.app.bench.ServeBenchmark.Result(label, r.requests(), r.failures(), r.seconds(), r.p50Ms(), r.p90Ms(),
                    r.p99Ms(), r.maxMs(), r.bytes());
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Offline-first sync under load: N concurrent devices (one user each) push batches of 50 varied operations to "
                    + "/sync/v1/push (p50/p90/p99 per batch, ops/s), against two baselines measured in the same run (the same rows as a "
                    + "bare 50-row INSERT per transaction over JDBC, and GET /healthz), then the event latency device A push -> device B "
                    + "notified over SSE. Starts a server with a throwaway JWT secret on a scratch database 'pokepedia_bench_sync' "
                    + "(dropped afterwards), or measures a running one (--target, tokens signed with POKEPEDIA_JWT_SECRET).")
    static final class Sync implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @Option(names = "--target", paramLabel = "URL", description = "Measure this running server instead of starting one.")
        java.net.URI target;

        @Option(names = "--clients", defaultValue = "50", description = "Concurrent devices (default ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per phase (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured seconds before each phase (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--events", defaultValue = "300", description = "Event-latency samples (default ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--db-pool", defaultValue = "16", description = "Database connections of the started server (default ${DEFAULT-VALUE}, as serve).")
        int dbPool;

        @Option(names = "--pace-ms", defaultValue = "1000", description = "The paced phase: each device pushes one batch per this many ms (default ${DEFAULT-VALUE}; 0 skips it).")
        int paceMs;

        private java.time.Duration pace() {
            return paceMs <= 0 ? null : java.time.Duration.ofMillis(paceMs);
        }

        @Override
        public Integer call() throws Exception {
            // why: one console line per request would cost the 2-core machine more than some requests do
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.pokepedia.server.access")).setLevel(ch.qos.logback.classic.Level.WARN);
            var settings = global.settings();
            java.time.Duration w = java.time.Duration.ofSeconds(warmup), d = java.time.Duration.ofSeconds(seconds);
            if (target != null) {
                String secret = dev.pokepedia.sync.SyncConfig.fromEnv(settings.env()).jwtSecret()
                        .orElseThrow(() -> new dev.pokepedia.core.ConfigurationException("--target needs the server's JWT secret to sign tokens",
                                "Set POKEPEDIA_JWT_SECRET (or SUPABASE_JWT_SECRET) to the secret the target server uses"));
                var bench = new dev.pokepedia.app.bench.SyncBenchmark(target, secret, null, clients, w, d, events, pace(), System.err);
                dev.pokepedia.app.bench.SyncBenchmark.print(bench.run(), clients, System.out);
                return 0;
            }
            // why not openDatabase(): the resolved database is only the way to the server; it is not migrated or written
            try (var resolved = new DatabaseLocator(settings.env(), settings.dataDir(), System.getProperty("user.name")).resolve(settings.dbFlag())) {
                DatabaseConfig main = resolved.config();
                DatabaseLocator.ensureDatabase(main, "pokepedia_bench_sync");
                try (Database db = Database.open(main.withDatabase("pokepedia_bench_sync"), dbPool).migrate();
                     Database baselineDb = Database.open(main.withDatabase("pokepedia_bench_sync"), dbPool)) {
                    String secret = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(32));
                    var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
                    dev.pokepedia.app.bench.SyncBenchmark.prepareBaseline(db);
                    try (var sync = dev.pokepedia.sync.SyncService.open(db, dev.pokepedia.sync.SyncConfig.withSecret(secret, "a throwaway secret"),
                            registry, java.time.Clock.systemUTC());
                         var server = dev.pokepedia.server.PokepediaServer.builder(db)
                                 .options(dev.pokepedia.server.ServerOptions.defaults().withPort(0)).meterRegistry(registry).syncService(sync).start()) {
                        var bench = new dev.pokepedia.app.bench.SyncBenchmark(server.baseUri(), secret, baselineDb, clients, w, d, events, pace(), System.err);
                        var phases = bench.run();
                        dev.pokepedia.app.bench.SyncBenchmark.print(phases, clients, System.out);
                        var t = registry.find("sync.push.duration").timer();
                        if (t != null) {
                            System.out.printf(java.util.Locale.ROOT, "server-side push transaction (sync.push.duration): mean %.2f ms, max %.1f ms over %d pushes%n",
                                    t.mean(java.util.concurrent.TimeUnit.MILLISECONDS), t.max(java.util.concurrent.TimeUnit.MILLISECONDS), t.count());
                        }
                    }
                } finally {
                    try (var c = main.connect(); var st = c.createStatement()) {
                        st.execute("DROP DATABASE IF EXISTS pokepedia_bench_sync WITH (FORCE)");
                    }
                }
            }
            return 0;
        }
    }
}
