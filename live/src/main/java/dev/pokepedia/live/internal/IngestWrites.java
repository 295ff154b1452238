package dev.pokepedia.live.internal;

import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.corpus.DocumentStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingest worker's database work, grouped across its concurrent handlers: validator reads in one statement per
 * batch, and fetched documents stored in one transaction per batch (documents, projection marks) followed by one
 * crawl-state statement. A handler waits for its batch, so its queue message is deleted only after its document
 * committed. why: a per-document round trip (read validators, upsert, mark, commit, record) held a crawl to a few
 * hundred documents/s on a machine where the bulk import stores over a thousand.
 */
public final class IngestWrites implements AutoCloseable {

    /** A fetched answer to store and record; {@code doc} is null for a 304 or a 404/410 (already tombstoned). */
    public record Write(CrawlState.Fetch fetch, DocumentStore.Prepared doc, String source) {}

    private static final int MAX_BATCH = 256;

    private final DocumentStore store;
    private final CrawlState crawl;
    private final GroupCommit<DocumentId, CrawlState.Validators> reads;
    private final GroupCommit<Write, DocumentStore.Change> writes;

    public IngestWrites(DocumentStore store, CrawlState crawl) {
        this.store = store;
        this.crawl = crawl;
        this.reads = new GroupCommit<>("live-ingest-validators", MAX_BATCH, ids -> {
            Map<DocumentId, CrawlState.Validators> found = crawl.validators(ids);
            return ids.stream().map(id -> found.getOrDefault(id, CrawlState.Validators.NONE)).toList();
        });
        this.writes = new GroupCommit<>("live-ingest-writes", MAX_BATCH, this::write);
    }

    /** The validators of the stored version of {@code id} (none when a full fetch is needed). */
    public CrawlState.Validators validators(DocumentId id) throws InterruptedException {
        return reads.submit(id);
    }

    /**
     * Stores the document (if any) and records the fetch; returns what happened to the stored document, null when
     * there was no document to store. Returns after the commit.
     */
    public DocumentStore.Change write(Write w) throws InterruptedException {
        return writes.submit(w);
    }

    private List<DocumentStore.Change> write(List<Write> batch) {
        Map<Write, DocumentStore.Change> changes = new java.util.IdentityHashMap<>();
        for (List<Write> round : rounds(batch.stream().filter(w -> w.doc() != null).toList())) {
            Map<String, List<DocumentStore.Prepared>> bySource = new HashMap<>();
            round.forEach(w -> bySource.computeIfAbsent(w.source(), s -> new ArrayList<>()).add(w.doc()));
            Map<DocumentId, DocumentStore.Change> stored = new HashMap<>();
            bySource.forEach((source, docs) -> stored.putAll(store.upsert(docs, source)));
            round.forEach(w -> changes.put(w, stored.get(w.doc().id())));
        }
        List<CrawlState.Fetch> fetches = new ArrayList<>(batch.size());
        for (Write w : batch) {
            CrawlState.Fetch f = w.fetch();
            DocumentStore.Change c = changes.get(w);
            fetches.add(c == null ? f : new CrawlState.Fetch(f.id(), f.url(), f.status(), f.etag(), f.lastModified(), f.sha256(),
                    c != DocumentStore.Change.UNCHANGED));
        }
        crawl.record(fetches);
        List<DocumentStore.Change> out = new ArrayList<>(batch.size());
        batch.forEach(w -> out.add(changes.get(w)));
        return out;
    }

    /** Splits writes so no document appears twice in one round (one upsert statement may not touch a row twice). */
    private static List<List<Write>> rounds(List<Write> docs) {
        List<List<Write>> rounds = new ArrayList<>();
        Map<DocumentId, Integer> seen = new HashMap<>();
        for (Write w : docs) {
            int r = seen.merge(w.doc().id(), 1, Integer::sum) - 1;
            while (rounds.size() <= r) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(r).add(w);
        }
        return rounds;
    }

    @Override
    public void close() {
        reads.close();
        writes.close();
    }
}
