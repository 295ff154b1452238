package dev.pokepedia.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.corpus.internal.CanonicalStore;
import dev.pokepedia.corpus.internal.Canonicalizer;
import dev.pokepedia.corpus.internal.SnapshotReader;
import dev.pokepedia.corpus.internal.StoredDocument;
import java.io.IOException;
import java.net.http.HttpClient;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The import's three overlapping stages: read (one thread, {@link SnapshotReader}) → canonicalise + hash + validate
 * (N threads) → compare with the stored index and write in committed batches (one thread, the run's connection). Bounded
 * queues between them give back-pressure; a writer failure stops the reader and parsers instead of leaving them
 * blocked. The documents handled and written count over every run of one importer, for its progress line.
 */
final class ImportPipeline {

    private final HttpClient http;
    private final Canonicalizer canonicalizer;
    private final AtomicLong documents = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile SnapshotReader reader;

    ImportPipeline(HttpClient http, Canonicalizer canonicalizer) {
        this.http = http;
        this.canonicalizer = canonicalizer;
    }

    /** The reader of the current (or last) run, null before the first. */
    SnapshotReader reader() {
        return reader;
    }

    long documents() {
        return documents.get();
    }

    long written() {
        return written.get();
    }

    private static final Object END = new Object();

    private record Raw(String path, SnapshotPath kind, byte[] bytes) {}

    /**
     * @param sourceSha  SHA-256 of the entry's bytes (documents only; null for lists)
     * @param sameSource the entry's bytes are those the stored, unchanged document was imported from: not parsed
     */
    private record Parsed(String path, SnapshotPath kind, StoredDocument doc, Integer listCount, long rawBytes, boolean invalid,
                          String sourceSha, boolean sameSource) {

        Parsed(String path, SnapshotPath kind, StoredDocument doc, Integer listCount, long rawBytes, boolean invalid) {
            this(path, kind, doc, listCount, rawBytes, invalid, null, false);
        }
    }

    /** What the writer does before its first document: wait for the schema, load what is stored (run.stored). */
    @FunctionalInterface
    interface WriterSetup {
        void prepare() throws SQLException;
    }

    /**
     * Runs the stages over the run's source; sets {@code run.complete} when the whole source was read. The writer runs
     * {@code setup} first while the reader and parsers already fill their queues (~60 MB), so a schema migration or
     * the index load overlaps with reading.
     *
     * @param laneStores opens a connection for an insert lane; {@code lanes} of them are opened at the first new
     *                   document
     */
    void run(ImportRun run, CanonicalStore store, java.util.function.Supplier<CanonicalStore> laneStores, int lanes,
            DocumentValidator validator, WriterSetup setup) throws SQLException {
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
                setup.prepare();
                try (Lanes open = new Lanes(laneStores, lanes, run.options.source().describe())) {
                    writeLoop(run, store, open, parsed, parsers);
                }
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

    private void parseLoop(ImportRun run, BlockingQueue<Object> raw, BlockingQueue<Object> parsed, DocumentValidator validator)
            throws InterruptedException {
        while (true) {
            Object o = raw.take();
            if (o == END) {
                parsed.put(END);
                return;
            }
            Raw r = (Raw) o;
            Parsed p;
            String sourceSha = null;
            if (r.kind() instanceof SnapshotPath.Document doc && validator == null && recordsSources(run)) {
                sourceSha = Canonicalizer.sha256(r.bytes());
                if (sameSource(run, doc.id(), sourceSha)) {
                    parsed.put(new Parsed(r.path(), r.kind(), null, null, r.bytes().length, false, sourceSha, true));
                    continue;
                }
            }
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
                            r.bytes().length, false, sourceSha, false);
                }
            } catch (IOException | RuntimeException e) {
                run.problems.add(new Problem(r.path(), "not stored: malformed JSON: " + oneLine(e.getMessage())));
                p = new Parsed(r.path(), r.kind(), null, null, r.bytes().length, false);
            }
            parsed.put(p);
        }
    }

    /**
     * Whether the entry's bytes are the ones the stored document was last imported from, and the stored document is
     * still what they gave (no other writer changed it, not tombstoned): then it is unchanged without parsing. Before
     * the index is loaded (a fresh database's migrations may still run) the answer is no, and the entry is parsed.
     */
    /**
     * Whether this run hashes the source entries (to skip unchanged ones and remember them for the next run): only into
     * a store that holds documents. why not into an empty one: hashing 586 MB of pretty-printed JSON costs a fresh
     * import about a second, and the first re-import records the hashes instead.
     */
    private static boolean recordsSources(ImportRun run) throws InterruptedException {
        if (!run.indexReady && run.waitForIndex) {
            run.indexDone.await();
        }
        return run.indexReady && !run.stored.isEmpty();
    }

    private static boolean sameSource(ImportRun run, DocumentId id, String sourceSha) {
        CanonicalStore.SourceHash h = run.sources.get(id);
        CanonicalStore.Stored now = run.stored.get(id);
        return h != null && now != null && !now.deleted() && h.sourceSha256().equals(sourceSha) && h.sha256().equals(now.sha256());
    }

    /** The insert lanes of one run, opened at its first new document (a re-import that adds nothing opens none). */
    private static final class Lanes implements AutoCloseable {
        private final java.util.function.Supplier<CanonicalStore> stores;
        private final int count;
        private final String source;
        private final List<InsertLane> open = new ArrayList<>();

        Lanes(java.util.function.Supplier<CanonicalStore> stores, int count, String source) {
            this.stores = stores;
            this.count = count;
            this.source = source;
        }

        /** The lane with the least still to store. */
        InsertLane next() {
            if (open.isEmpty()) {
                for (int i = 0; i < count; i++) {
                    open.add(new InsertLane(stores.get(), source, "import-lane-" + (i + 1)));
                }
            }
            InsertLane best = open.getFirst();
            for (InsertLane l : open) {
                if (l.backlog() < best.backlog()) {
                    best = l;
                }
            }
            return best;
        }

        void flush() throws SQLException, InterruptedException {
            for (InsertLane l : open) {
                l.flush();
            }
        }

        void finish() throws SQLException, InterruptedException {
            for (InsertLane l : open) {
                l.finish();
            }
        }

        @Override
        public void close() throws SQLException {
            SQLException first = null;
            for (InsertLane l : open) {
                try {
                    l.close();
                } catch (SQLException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private void writeLoop(ImportRun run, CanonicalStore store, Lanes lanes, BlockingQueue<Object> parsed, int producers)
            throws Exception {
        int ended = 0;
        List<StoredDocument> inserts = new ArrayList<>();
        List<StoredDocument> updates = new ArrayList<>();
        Map<DocumentId, CanonicalStore.SourceHash> hashes = new java.util.HashMap<>();
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
            if (p.sameSource()) {
                run.counts(id.type()).unchanged++;
                run.unchangedBySource++;
                continue;
            }
            StoredDocument d = p.doc();
            if (d == null) {
                if (p.invalid()) {
                    run.counts(id.type()).invalid++;
                }
                continue; // why: malformed or invalid; still 'seen', so it is never tombstoned by mistake
            }
            CanonicalStore.Stored now = run.stored.get(id);
            ImportRun.Counts counts = run.counts(id.type());
            boolean toLane = now == null && !run.options.dryRun();
            if (toLane) {
                counts.added++;
                // the server stores it (on one of the lanes) while we parse on; its source hash goes with it, into
                // the lane's transaction
                lanes.next().insert(d, hashToRecord(run, id, p.sourceSha(), d.sha256()));
                written.incrementAndGet();
            } else if (now == null) {
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
                remember(run, hashes, id, p.sourceSha(), d.sha256());
                if (hashes.size() >= HASHES_PER_COMMIT && !run.options.dryRun()) {
                    store.saveSourceHashes(hashes); // why alone: hashes of unchanged documents need no document write
                    store.commit();
                    hashes.clear();
                }
                continue;
            }
            if (!toLane) {
                remember(run, hashes, id, p.sourceSha(), d.sha256());
            }
            batchBytes += d.json().length;
            if (batchBytes >= run.options.batchBytes()) {
                flush(run, store, lanes, inserts, updates, hashes);
                batchBytes = 0;
            }
        }
        flush(run, store, lanes, inserts, updates, hashes);
        lanes.finish();
    }

    private static final int HASHES_PER_COMMIT = 5_000;

    private static void remember(ImportRun run, Map<DocumentId, CanonicalStore.SourceHash> hashes, DocumentId id,
            String sourceSha, String sha) {
        CanonicalStore.SourceHash h = hashToRecord(run, id, sourceSha, sha);
        if (h != null) {
            hashes.put(id, h);
        }
    }

    /** The source hash to store for this document, or null when there is none or it is stored already. */
    private static CanonicalStore.SourceHash hashToRecord(ImportRun run, DocumentId id, String sourceSha, String sha) {
        if (sourceSha == null) {
            return null;
        }
        CanonicalStore.SourceHash known = run.sources == null ? null : run.sources.get(id);
        if (known == null || !known.sourceSha256().equals(sourceSha) || !known.sha256().equals(sha)) {
            return new CanonicalStore.SourceHash(sourceSha, sha);
        }
        return null;
    }

    /** Writes the batch; the source hashes go in the same transaction, so none outlives a rolled-back document. */
    private void flush(ImportRun run, CanonicalStore store, Lanes lanes, List<StoredDocument> inserts,
            List<StoredDocument> updates, Map<DocumentId, CanonicalStore.SourceHash> hashes)
            throws SQLException, InterruptedException {
        if (!run.options.dryRun()) {
            lanes.flush(); // (each lane commits its part on its own)
            store.saveSourceHashes(hashes);
            if (!inserts.isEmpty() || !updates.isEmpty()) {
                store.writeBatch(inserts, updates, run.options.source().describe());
                written.addAndGet(inserts.size() + updates.size());
            } else {
                store.commit(); // (the streamed inserts, the hashes; nothing when there was nothing)
            }
        }
        inserts.clear();
        updates.clear();
        hashes.clear();
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

}
