package dev.pokepedia.app;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.corpus.ChangeCounts;
import dev.pokepedia.corpus.ImportOptions;
import dev.pokepedia.corpus.ImportProgress;
import dev.pokepedia.corpus.ImportReport;
import dev.pokepedia.corpus.SnapshotImporter;
import dev.pokepedia.corpus.SnapshotSource;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a PokeAPI api-data snapshot into pokeapi_resources and rebuild the projections it changes.",
                "Re-importing the same snapshot writes nothing; a newer one adds, updates and tombstones only what differs."})
final class ImportCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @Option(names = "--source", paramLabel = "FOLDER|FILE.tar.gz|URL",
            description = "Snapshot: an api-data checkout or its data/api/v2 folder, a .tar.gz in GitHub-archive layout, "
                    + "or an http(s) URL of one (streamed). Default:%n${DEFAULT-VALUE}",
            defaultValue = SnapshotSource.UPSTREAM)
    String source;

    @Option(names = "--dry-run", description = "Report what would change; write nothing.")
    boolean dryRun;

    @Option(names = "--validate", description = "Check every document against the snapshot's data/schema/v2 JSON Schemas; invalid ones are not stored.")
    boolean validate;

    @Option(names = "--allow-invalid", description = "Finish with exit 0 even if documents were rejected as invalid (by --validate, or "
            + "because a document's own id or name differs from its path).")
    boolean allowInvalid;

    @Mixin
    RemovalOptions removal;

    @Option(names = "--batch-mb", defaultValue = "16", description = "Megabytes of JSON per committed batch (default ${DEFAULT-VALUE}).")
    int batchMb;

    @Option(names = "--threads", description = "Threads decoding and hashing documents (default: number of cores).")
    Integer threads;

    @Override
    public Integer call() {
        var settings = global.settings();
        ImportOptions options = ImportOptions.of(SnapshotSource.parse(source)).withDryRun(dryRun)
                .withValidation(validate, allowInvalid).withBatchBytes((long) batchMb << 20);
        options = removal.applyTo(options);
        if (threads != null) {
            options = options.withParserThreads(threads);
        }
        try (var opened = settings.openDatabaseUnmigrated()) {
            // why in the background: a fresh database's migrations then overlap with reading the archive (a current
            // schema is known at once, and the importer may then skip unchanged entries from the start)
            CompletableFuture<Void> schema = opened.db().schemaIsCurrent() ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(opened.db()::migrate, r -> Thread.ofVirtual().name("migrate").start(r));
            run(opened, settings, options, schema);
            return 0;
        }
    }

    /** Runs an import, prints its report, and throws when it failed or skipped entries (shared with {@code sync}). */
    static ImportReport run(GlobalOptions.Opened opened, GlobalOptions.Settings settings, ImportOptions options) {
        return run(opened, settings, options, CompletableFuture.completedFuture(null));
    }

    private static ImportReport run(GlobalOptions.Opened opened, GlobalOptions.Settings settings, ImportOptions options,
            CompletableFuture<Void> schemaReady) {
        SnapshotImporter importer = new SnapshotImporter(opened.db(), HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build(), Clock.systemUTC());
        ImportReport report;
        try (var view = new ProgressView("import", "MB", 1 << 20, () -> snapshot(importer.progress()), settings.json())) {
            report = importer.run(options, schemaReady);
        } finally {
            // why: never leave a migration running when the command returns; its failure, if any, is the report's
            // (the writer waits for the schema before anything else), or came after the error that ended the run
            schemaReady.exceptionally(e -> null).join();
        }
        if (settings.json()) {
            System.out.println(report.toJson().toPrettyString());
        } else if (report.failure() == null || report.documents() > 0) {
            // why: a source that could not be read at all has nothing to report; an all-zero table before the error
            // reads as if the import had run
            print(report, System.out);
        }
        if (report.failure() != null) {
            throw report.failure();
        }
        if (!report.problems().isEmpty()) {
            throw new PokepediaException(PokepediaException.ErrorCode.BAD_SOURCE,
                    report.problems().size() + " entries of " + report.source() + " were skipped (listed above); everything else is stored",
                    "Fix or remove those entries; rerunning writes only what is missing", null);
        }
        return report;
    }

    private static ProgressView.Snapshot snapshot(ImportProgress p) {
        return new ProgressView.Snapshot(p.sourceBytesRead(), p.sourceBytesTotal(),
                p.phase() + ": " + p.documents() + " docs read, " + p.written() + " written");
    }

    static void print(ImportReport r, PrintStream out) {
        out.printf("%s%s%n", r.dryRun() ? "DRY RUN (nothing written) — " : "", "change report for " + r.source());
        out.printf("  %-28s %8s %8s %10s %8s %8s%n", "resource type", "added", "changed", "unchanged", "removed", "invalid");
        for (Map.Entry<String, ChangeCounts> e : r.changes().entrySet()) {
            ChangeCounts c = e.getValue();
            out.printf("  %-28s %8d %8d %10d %8d %8d%n", e.getKey(), c.added(), c.changed(), c.unchanged(), c.removed(), c.invalid());
        }
        ChangeCounts t = r.total();
        out.printf("  %-28s %8d %8d %10d %8d %8d%n", "total", t.added(), t.changed(), t.unchanged(), t.removed(), t.invalid());
        out.printf("%d documents, %.1f MB of JSON in %.1f s: %.0f docs/s, %.1f MB/s%n", r.documents(), r.jsonBytes() / 1e6,
                r.elapsed().toMillis() / 1000.0, r.documentsPerSecond(), r.megabytesPerSecond());
        if (r.nothingChanged() && r.failure() == null) {
            out.println(r.dryRun() ? "Nothing would change." : "Nothing changed: the store already matches this snapshot; nothing was written.");
        }
        if (!r.projections().isEmpty()) {
            StringBuilder sb = new StringBuilder("projections rebuilt:");
            r.projections().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            out.println(sb);
        }
        r.problems().stream().limit(50).forEach(p -> out.println("  skipped " + p));
        if (r.problems().size() > 50) {
            out.println("  … and " + (r.problems().size() - 50) + " more (use --json for all)");
        }
        r.invalid().stream().limit(50).forEach(p -> out.println("  invalid " + p));
        if (r.invalid().size() > 50) {
            out.println("  … and " + (r.invalid().size() - 50) + " more invalid (use --json for all)");
        }
    }
}
