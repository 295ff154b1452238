package dev.pokepedia.corpus;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.core.SqlFailures;
import dev.pokepedia.corpus.internal.Canonicalizer;
import dev.pokepedia.corpus.internal.CanonicalStore;
import dev.pokepedia.corpus.internal.ImportRuns;
import dev.pokepedia.corpus.internal.RemovalGuard;
import dev.pokepedia.corpus.internal.SchemaCatalog;
import dev.pokepedia.corpus.internal.SnapshotReader;
import java.net.http.HttpClient;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Imports an api-data snapshot into the canonical store: read (one thread) → canonicalise + hash (N threads) →
 * compare with what is stored and write in committed batches (one thread, one connection) → tombstone what vanished →
 * refresh projections. Reading, hashing and the database's COPY work overlap. A rerun after any interruption skips
 * everything already committed (same hash), so interrupted runs converge to the same table contents.
 */
public final class SnapshotImporter {

    private final Database database;
    private final HttpClient http;
    private final Clock clock;
    private final Canonicalizer canonicalizer = new Canonicalizer();
    private final AtomicReference<String> phase = new AtomicReference<>("starting");
    private final ImportPipeline pipeline;

    public SnapshotImporter(Database database, HttpClient http, Clock clock) {
        this.database = database;
        this.http = http;
        this.clock = clock;
        this.pipeline = new ImportPipeline(http, canonicalizer);
    }

    public ImportProgress progress() {
        SnapshotReader r = pipeline.reader();
        return new ImportProgress(phase.get(), r == null ? 0 : r.bytesRead(), r == null ? -1 : r.bytesTotal(), pipeline.documents(),
                pipeline.written());
    }

    public ImportReport run(ImportOptions options) {
        return run(options, CompletableFuture.completedFuture(null));
    }

    /**
     * As {@link #run(ImportOptions)} on a database whose schema is still being migrated: {@code schemaReady}
     * completes when it is (exceptionally when migrating failed). The source is read and parsed meanwhile; nothing is
     * written or compared before it completed. why: on a fresh database the migrations take about as long as reading
     * the first 60 MB of an archive, and the CLI's {@code import} paid for both one after the other.
     */
    public ImportReport run(ImportOptions options, CompletionStage<?> schemaReady) {
        Instant start = clock.instant();
        ImportRun run = new ImportRun(options);
        String source = options.source().describe();
        try (CanonicalStore store = openStore()) {
            // why before the schema: an advisory lock needs no table, and a second import should fail at once
            if (!options.dryRun() && !store.tryLock()) {
                throw new PokepediaException(PokepediaException.ErrorCode.CONFLICT,
                        "Another import is running against this database", "Wait for it to finish, then rerun", null);
            }
            PokepediaException failure = null;
            Map<String, Long> projections = Map.of();
            Map<String, Duration> phases = new java.util.LinkedHashMap<>();
            Instant mark = clock.instant();
            try {
                // why: a schema pass reads the source once more (a URL is downloaded twice); schemas sit after the
                // documents in GitHub archives, so a single streaming pass cannot validate
                DocumentValidator validator = options.validate() ? loadSchemas(options.source()) : null;
                phase.set("importing");
                // why: on a current schema the parsers wait for the index (tens of ms) so that none is parsed in vain;
                // while the schema is still being migrated (a fresh database) there is nothing to skip, they read on
                run.waitForIndex = schemaReady.toCompletableFuture().isDone();
                // why two lanes at most: the server stores a COPY on one core, and this machine class has two; and
                // never more than the pool has beside the writer's connection and one for the run's bookkeeping
                int lanes = Math.max(1, Math.min(2, database.maxConnections() - 2));
                pipeline.run(run, store, this::openStore, lanes, validator, () -> {
                    try {
                        awaitSchema(schemaReady);
                        phase.set("comparing with the store");
                        run.stored = store.loadIndex();
                        run.sources = store.loadSourceHashes();
                        run.indexReady = true; // why volatile, last: the parsers read both maps once they see it
                    } finally {
                        run.indexDone.countDown();
                    }
                    run.runId = options.dryRun() ? 0 : ImportRuns.start(database, source);
                    phase.set("importing");
                });
                mark = lap(phases, "reading", mark);
                if (run.complete) {
                    phase.set("tombstoning");
                    List<DocumentId> removed = run.removedIds();
                    List<String> objections = options.allowMassRemoval() ? List.of()
                            : new RemovalGuard(options.maxRemovalShare()).objections(run.evidence(removed));
                    if (objections.isEmpty()) {
                        removed.forEach(id -> run.counts(id.type()).removed++);
                        if (!options.dryRun()) {
                            store.tombstone(removed);
                            store.saveEndpoints(run.endpointCounts, source, true);
                        }
                    } else {
                        failure = new PokepediaException(PokepediaException.ErrorCode.BAD_SOURCE, "Refused to remove "
                                + removed.size() + " stored documents that " + source + " lacks: " + String.join("; ", objections)
                                + ". Nothing was removed; what the source holds is stored",
                                "If the source is complete and the removal is meant, rerun with --allow-mass-removal; "
                                        + "otherwise fetch a complete snapshot", null);
                    }
                    mark = lap(phases, "tombstones", mark);
                }
                if (!options.dryRun()) {
                    phase.set("projections");
                    projections = store.refreshProjections();
                    lap(phases, "projections", mark);
                }
            } catch (PokepediaException e) {
                failure = e;
            } catch (SQLException e) {
                failure = classify(e);
            }
            if (failure == null && !options.allowInvalid() && !run.invalid.isEmpty()) {
                failure = new PokepediaException(PokepediaException.ErrorCode.INVALID_DOCUMENTS,
                        run.invalid.size() + " documents were invalid (schema or identity; listed above) and were not stored;"
                                + " their stored versions are kept",
                        "Fix the source, or pass --allow-invalid to accept the run without them", null);
            }
            ImportReport report = new ImportReport(run.runId, source, options.dryRun(), run.changes(), List.copyOf(run.problems),
                    List.copyOf(run.invalid), pipeline.documents(), run.jsonBytes.get(), run.unchangedBySource, Duration.between(start, clock.instant()),
                    projections, Map.copyOf(phases), failure);
            if (!options.dryRun() && run.runId != 0) {
                ImportRuns.finish(database, run.runId, report);
            }
            phase.set("done");
            return report;
        } catch (SQLException e) {
            throw classify(e);
        }
    }

    /** One classifier for every module: unavailable (rerun when back), transient (retry), or a bug with its SQLSTATE. */
    private PokepediaException classify(SQLException e) {
        return SqlFailures.classify("Importing (" + phase.get() + "; " + pipeline.written() + " documents of this run were committed)", e);
    }

    private Instant lap(Map<String, Duration> phases, String name, Instant since) {
        Instant now = clock.instant();
        phases.put(name, Duration.between(since, now));
        return now;
    }

    private static void awaitSchema(CompletionStage<?> schemaReady) {
        try {
            schemaReady.toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof PokepediaException p) {
                throw p;
            }
            throw e;
        }
    }

    private CanonicalStore openStore() {
        try {
            return new CanonicalStore(database.connection());
        } catch (SQLException e) {
            throw Database.unavailable(database.config(), e);
        }
    }

    private DocumentValidator loadSchemas(SnapshotSource source) {
        phase.set("loading schemas");
        SchemaCatalog catalog = new SchemaCatalog(canonicalizer.mapper());
        SnapshotReader schemaReader = new SnapshotReader(http);
        try {
            schemaReader.read(source, k -> k instanceof SnapshotPath.Schema, new SnapshotReader.Sink() {
                public void entry(String path, SnapshotPath kind, byte[] bytes) {
                    catalog.add(((SnapshotPath.Schema) kind).schemaPath(), path, bytes);
                }

                public void problem(String path, String reason) {
                    // reported by the main pass
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PokepediaException(PokepediaException.ErrorCode.INTERNAL, "Interrupted while loading schemas", "", e);
        }
        if (catalog.isEmpty()) {
            throw new SourceException("--validate: " + source.describe() + " has no data/schema/v2 JSON Schemas",
                    "Use a full api-data snapshot (it ships its schemas) or drop --validate", null);
        }
        return catalog;
    }

}
