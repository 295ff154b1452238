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

@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Import.class, BenchCommand.Serve.class},
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

        @Override
        public Integer call() throws Exception {
            if (target != null) {
                measure(target);
                return 0;
            }
            var settings = global.settings();
            try (var opened = settings.openDatabase();
                 var store = dev.pokepedia.media.ObjectStores.open(storage, settings.dataDir(), settings.env());
                 var server = dev.pokepedia.server.PokepediaServer.builder(opened.db())
                         .options(dev.pokepedia.server.ServerOptions.defaults().withPort(0)).objectStore(store).start()) {
                measure(server.baseUri());
            }
            return 0;
        }

        private void measure(java.net.URI base) throws Exception {
            var bench = new dev.pokepedia.app.bench.ServeBenchmark(base, clients, java.time.Duration.ofSeconds(warmup),
                    java.time.Duration.ofSeconds(seconds), System.err);
            dev.pokepedia.app.bench.ServeBenchmark.print(bench.run(paths), clients, System.out);
        }
    }
}
