package dev.pokepedia.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.core.SqlFailures;
import dev.pokepedia.corpus.internal.Canonicalizer;
import dev.pokepedia.corpus.internal.CanonicalStore;
import dev.pokepedia.corpus.internal.ImportRuns;
import dev.pokepedia.corpus.internal.RemovalGuard;
import dev.pokepedia.corpus.internal.SchemaCatalog;
import dev.pokepedia.corpus.internal.SnapshotReader;
import dev.pokepedia.corpus.internal.StoredDocument;
import java.io.IOException;
import java.net.http.HttpClient;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
    private final AtomicLong documents = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile SnapshotReader reader;

    public SnapshotImporter(Database database, HttpClient http, Clock clock) {
        this.database = database;
        this.http = http;
        this.clock = clock;
    }

    public ImportProgress progress() {
        SnapshotReader r = reader;
        return new ImportProgress(phase.get(), r == null ? 0 : r.bytesRead(), r == null ? -1 : r.bytesTotal(), documents.get(), written.get());
    }

    public ImportReport run(ImportOptions options) {
        Instant start = clock.instant();
        Run run = new Run(options);
        String source = options.source().describe();
        try (CanonicalStore store = openStore()) {
            if (!options.dryRun() && !store.tryLock()) {
                throw new PokepediaException(PokepediaException.ErrorCode.CONFLICT,
                        "Another import is running against this database", "Wait for it to finish, then rerun", null);
            }
            phase.set("comparing with the store");
            run.stored = store.loadIndex();
            long runId = options.dryRun() ? 0 : ImportRuns.start(database, source);
            PokepediaException failure = null;
            Map<String, Long> projections = Map.of();
            Map<String, Duration> phases = new java.util.LinkedHashMap<>();
            Instant mark = clock.instant();
            try {
                // why: a schema pass reads the source once more (a URL is downloaded twice); schemas sit after the
                // documents in GitHub archives, so a single streaming pass cannot validate
                DocumentValidator validator = options.validate() ? loadSchemas(options.source()) : null;
                phase.set("importing");
                pipeline(run, store, validator);
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
            ImportReport report = new ImportReport(runId, source, options.dryRun(), run.changes(), List.copyOf(run.problems),
                    List.copyOf(run.invalid), documents.get(), run.jsonBytes.get(), Duration.between(start, clock.instant()),
                    projections, Map.copyOf(phases), failure);
            if (!options.dryRun()) {
                ImportRuns.finish(database, runId, report);
            }
            phase.set("done");
            return report;
        } catch (SQLException e) {
            throw classify(e);
        }
    }

    /** One classifier for every module: unavailable (rerun when back), transient (retry), or a bug with its SQLSTATE. */
    private PokepediaException classify(SQLException e) {
        return SqlFailures.classify("Importing (" + phase.get() + "; " + written.get() + " documents of this run were committed)", e);
    }

    private Instant lap(Map<String, Duration> phases, String name, Instant since) {
        Instant now = clock.instant();
        phases.put(name, Duration.between(since, now));
        return now;
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

    // ---------------------------------------------------------------------------------------------------------

    private static final Object END = new Object();

    private record Raw(String path, SnapshotPath kind, byte[] bytes) {}

    private record Parsed(String path, SnapshotPath kind, StoredDocument doc, Integer listCount, long rawBytes, boolean invalid) {}

    private void pipeline(Run run, CanonicalStore store, DocumentValidator validator) throws SQLException {
        int parsers = run.options.parserThreads();
        BlockingQueue<Object> raw = new ArrayBlockingQueue<>(512);
        BlockingQueue<Object> parsed = new ArrayBlockingQueue<>(1024);
        ExecutorService pool = Executors.newFixedThreadPool(parsers + 1, r -> {
            Thread t = new Thread(r, "import-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> parserTasks = new ArrayList<>();
            for (int i = 0; i < parsers; i++) {
                parserTasks.add(pool.submit(() -> {
                    parseLoop(run, raw, parsed, validator);
                    return null;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                writeLoop(run, store, parsed, parsers);
                return null;
            });
            reader = new SnapshotReader(http);
            PokepediaException readFailure = null;
            try {
                reader.read(run.options.source(), k -> !(k instanceof SnapshotPath.Schema) && !(k instanceof SnapshotPath.RootIndex),
                        new SnapshotReader.Sink() {
                            public void entry(String path, SnapshotPath kind, byte[] bytes) throws InterruptedException {
                                put(raw, new Raw(path, kind, bytes), writer);
                            }

                            public void problem(String path, String reason) {
                                run.problems.add(new Problem(path, reason));
                            }

                            @Override
                            public void skipped(String path, SnapshotPath kind, String reason) {
                                if (kind instanceof SnapshotPath.Document d) {
                                    run.skippedDocuments.add(d.id()); // why: present in the source, so never tombstoned
                                }
                                run.problems.add(new Problem(path, reason));
                            }
                        });
            } catch (PokepediaException e) {
                readFailure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                readFailure = new PokepediaException(PokepediaException.ErrorCode.INTERNAL, "Import interrupted", "Rerun to resume", e);
            } catch (AbortedException e) {
                // the writer failed; its error is reported below
            }
            for (int i = 0; i < parsers && !writer.isDone(); i++) {
                putUnconditionally(raw, END, writer);
            }
            awaitParsers(parserTasks, writer, pool);
            await(writer);
            if (readFailure != null) {
                throw readFailure;
            }
            run.complete = run.documentsSeen > 0;
            if (!run.complete) {
                throw new SourceException(run.options.source().describe() + " holds no PokeAPI documents",
                        "Check the source: expected data/api/v2/<endpoint>/<id>/index.json files", null);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void parseLoop(Run run, BlockingQueue<Object> raw, BlockingQueue<Object> parsed, DocumentValidator validator)
            throws InterruptedException {
        while (true) {
            Object o = raw.take();
            if (o == END) {
                parsed.put(END);
                return;
            }
            Raw r = (Raw) o;
            Parsed p;
            try {
                Canonicalizer.Canonical c = canonicalizer.canonicalize(r.bytes());
                if (r.kind() instanceof SnapshotPath.EndpointList) {
                    JsonNode count = c.tree().get("count");
                    if (count == null || !count.canConvertToInt()) {
                        throw new IOException("list document without a numeric 'count'");
                    }
                    p = new Parsed(r.path(), r.kind(), null, count.intValue(), r.bytes().length, false);
                } else {
                    DocumentId id = ((SnapshotPath.Document) r.kind()).id();
                    String mismatch = c.identityMismatch(id);
                    if (mismatch != null) {
                        run.invalid.add(new Problem(r.path(), "not stored: " + mismatch));
                        parsed.put(new Parsed(r.path(), r.kind(), null, null, r.bytes().length, true));
                        continue;
                    }
                    if (validator != null) {
                        List<String> reasons = validator.validate(id, c.tree());
                        if (!reasons.isEmpty()) {
                            run.invalid.add(new Problem(r.path(), String.join("; ", reasons)));
                            p = new Parsed(r.path(), r.kind(), null, null, r.bytes().length, true);
                            parsed.put(p);
                            continue;
                        }
                    }
                    p = new Parsed(r.path(), r.kind(), new StoredDocument(id, c.name(), c.json(), c.sha256()), null,
                            r.bytes().length, false);
                }
            } catch (IOException | RuntimeException e) {
                run.problems.add(new Problem(r.path(), "not stored: malformed JSON: " + oneLine(e.getMessage())));
                p = new Parsed(r.path(), r.kind(), null, null, r.bytes().length, false);
            }
            parsed.put(p);
        }
    }

    private void writeLoop(Run run, CanonicalStore store, BlockingQueue<Object> parsed, int producers) throws Exception {
        int ended = 0;
        List<StoredDocument> inserts = new ArrayList<>();
        List<StoredDocument> updates = new ArrayList<>();
        long batchBytes = 0;
        Set<DocumentId> seen = run.seen;
        while (ended < producers) {
            Object o = parsed.take();
            if (o == END) {
                ended++;
                continue;
            }
            Parsed p = (Parsed) o;
            documents.incrementAndGet();
            run.jsonBytes.addAndGet(p.rawBytes());
            if (p.kind() instanceof SnapshotPath.EndpointList l) {
                if (p.listCount() != null) {
                    run.endpointCounts.put(l.endpoint(), p.listCount());
                }
                continue;
            }
            DocumentId id = ((SnapshotPath.Document) p.kind()).id();
            if (!seen.add(id)) {
                run.problems.add(new Problem(p.path(), "skipped: a second copy of " + id));
                continue;
            }
            run.documentsSeen++;
            StoredDocument d = p.doc();
            if (d == null) {
                if (p.invalid()) {
                    run.counts(id.type()).invalid++;
                }
                continue; // why: malformed or invalid; still 'seen', so it is never tombstoned by mistake
            }
            CanonicalStore.Stored now = run.stored.get(id);
            Counts counts = run.counts(id.type());
            if (now == null) {
                counts.added++;
                inserts.add(d);
            } else if (now.deleted()) {
                counts.added++;
                updates.add(d);
            } else if (!now.sha256().equals(d.sha256())) {
                counts.changed++;
                updates.add(d);
            } else {
                counts.unchanged++;
                continue;
            }
            batchBytes += d.json().length;
            if (batchBytes >= run.options.batchBytes()) {
                flush(run, store, inserts, updates);
                batchBytes = 0;
            }
        }
        flush(run, store, inserts, updates);
    }

    private void flush(Run run, CanonicalStore store, List<StoredDocument> inserts, List<StoredDocument> updates) throws SQLException {
        if (!run.options.dryRun() && (!inserts.isEmpty() || !updates.isEmpty())) {
            store.writeBatch(inserts, updates, run.options.source().describe());
            written.addAndGet(inserts.size() + updates.size());
        }
        inserts.clear();
        updates.clear();
    }

    private static final class AbortedException extends RuntimeException {
        AbortedException() {
            super(null, null, false, false);
        }
    }

    private static void put(BlockingQueue<Object> q, Object item, Future<?> writer)
            throws InterruptedException {
        while (!q.offer(item, 50, TimeUnit.MILLISECONDS)) {
            if (writer.isDone()) {
                throw new AbortedException(); // why: the writer died; stop reading instead of blocking forever
            }
        }
    }

    private static void putUnconditionally(BlockingQueue<Object> q, Object item, Future<?> writer) {
        try {
            while (!q.offer(item, 50, TimeUnit.MILLISECONDS)) {
                if (writer.isDone()) {
                    return; // why: nobody drains the queues any more; awaitParsers stops the parsers
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the parsers; if the writer dies meanwhile they may block on a full queue, so stop them instead. */
    private void awaitParsers(List<Future<?>> parsers, Future<?> writer, ExecutorService pool) throws SQLException {
        for (Future<?> f : parsers) {
            while (true) {
                try {
                    f.get(50, TimeUnit.MILLISECONDS);
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    if (writer.isDone()) {
                        pool.shutdownNow();
                        await(writer); // throws the writer's error
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PokepediaException(PokepediaException.ErrorCode.INTERNAL, "Import interrupted", "Rerun to resume", e);
                } catch (ExecutionException e) {
                    await(f);
                }
            }
        }
    }

    private void await(Future<?> f) throws SQLException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PokepediaException(PokepediaException.ErrorCode.INTERNAL, "Import interrupted", "Rerun to resume", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof SQLException s) {
                throw s;
            }
            if (c instanceof PokepediaException p) {
                throw p;
            }
            throw new PokepediaException(PokepediaException.ErrorCode.INTERNAL, "Import failed: " + c, "This is a bug; please report it", c);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ");
    }

    /** Mutable state of one run, owned by the writer thread except where noted. */
    private static final class Run {
        final ImportOptions options;
        Map<DocumentId, CanonicalStore.Stored> stored;
        final Set<DocumentId> seen = new HashSet<>();
        final Set<DocumentId> skippedDocuments = ConcurrentHashMap.newKeySet();
        final Map<String, Counts> counts = new ConcurrentHashMap<>();
        final Map<String, Integer> endpointCounts = new TreeMap<>();
        final List<Problem> problems = Collections.synchronizedList(new CopyOnWriteArrayList<>());
        final List<Problem> invalid = new CopyOnWriteArrayList<>();
        final AtomicLong jsonBytes = new AtomicLong();
        long documentsSeen;
        boolean complete;

        Run(ImportOptions options) {
            this.options = options;
        }

        Counts counts(String type) {
            return counts.computeIfAbsent(type, t -> new Counts());
        }

        List<DocumentId> removedIds() {
            List<DocumentId> removed = new ArrayList<>();
            stored.forEach((id, s) -> {
                if (!s.deleted() && !seen.contains(id) && !skippedDocuments.contains(id)) {
                    removed.add(id);
                }
            });
            Collections.sort(removed);
            return removed;
        }

        RemovalGuard.Evidence evidence(List<DocumentId> removed) {
            Map<String, Long> read = new TreeMap<>();
            seen.forEach(id -> read.merge(id.type(), 1L, Long::sum));
            skippedDocuments.stream().filter(id -> !seen.contains(id)).forEach(id -> read.merge(id.type(), 1L, Long::sum));
            Map<String, Long> live = new TreeMap<>();
            stored.forEach((id, s) -> {
                if (!s.deleted()) {
                    live.merge(id.type(), 1L, Long::sum);
                }
            });
            return new RemovalGuard.Evidence(Map.copyOf(endpointCounts), read, live, removed);
        }

        SortedMap<String, ChangeCounts> changes() {
            SortedMap<String, ChangeCounts> out = new TreeMap<>();
            counts.forEach((t, c) -> out.put(t, new ChangeCounts(c.added, c.changed, c.unchanged, c.removed, c.invalid)));
            return out;
        }
    }

    /** Written by the writer thread only; read after it finished. */
    private static final class Counts {
        long added;
        long changed;
        long unchanged;
        long removed;
        long invalid;
    }
}
