package dev.pokepedia.app;

import dev.pokepedia.app.bench.ImportBenchmark;
import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.DatabaseLocator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Import.class},
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
}
