package dev.pokepedia.server.internal;

import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.ChangeFeed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves reads from memory, kept current by the change feed: documents ({@link DocumentMemory}) and the Pokédex
 * ({@link PokedexMemory}). A notification drops what changed at once (requests for it go to the database from then
 * on), and one background thread loads it again. On start, and after the feed missed changes (a lost connection
 * during which the counter moved), everything is dropped and loaded again in the background; while the feed is
 * disconnected nothing in memory is trusted and every request reads the database.
 */
public final class MemoryServing implements ChangeFeed.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MemoryServing.class);

    private final ResourceStore store;
    private final DocumentRenderer renderer;
    private final DocumentMemory documents;
    private final PokedexMemory pokedex;
    private final ChangeFeed feed;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean fullLoad = new AtomicBoolean();
    private final AtomicBoolean pokedexLoad = new AtomicBoolean();
    private final AtomicBoolean endpointsLoad = new AtomicBoolean();
    private final Set<String> documentLoads = ConcurrentHashMap.newKeySet();
    private final Thread loader;
    private volatile boolean trusted;
    private volatile boolean warm;
    private volatile boolean closed;

    public MemoryServing(Database db, ResourceStore store, DocumentRenderer renderer, PokedexStore pokedexStore, long budgetBytes) {
        this.store = store;
        this.renderer = renderer;
        this.documents = new DocumentMemory(budgetBytes);
        this.pokedex = new PokedexMemory(db, pokedexStore);
        this.feed = new ChangeFeed(db.config(), this);
        this.loader = Thread.ofPlatform().daemon().name("pokepedia-memory-loader").unstarted(this::loadLoop);
    }

    public MemoryServing start() {
        loader.start();
        feed.start();
        return this;
    }

    /** Whether memory may answer: the feed is connected, so every change since the last (re)load is known. */
    public boolean trusted() {
        return trusted;
    }

    /** Whether the last full load finished (every document that fits and the Pokédex are in memory). */
    public boolean warm() {
        return warm && trusted && pokedex.snapshot() != null;
    }

    public DocumentMemory documents() {
        return documents;
    }

    /** The Pokédex in memory, or null when it must be read from the database. */
    public PokedexMemory.Snapshot pokedex() {
        return trusted ? pokedex.snapshot() : null;
    }

    /** Renders a document as served (and its gzip form, made now rather than on the first request). */
    public Representation render(ResourceStore.Document doc) {
        Representation r = Representation.json(renderer.render(doc.json(), doc.stored()));
        if (r.worthGzip()) {
            r.gzip();
        }
        return r;
    }

    @Override
    public void changed(ChangeFeed.Change change) {
        if (change.documents().all()) {
            dropAll();
        } else if (change.documents().any()) {
            documents.invalidate(change.documents().ids());
            documentLoads.addAll(change.documents().ids());
        }
        if (change.endpoints()) {
            documents.invalidateEndpoints();
            endpointsLoad.set(true);
        }
        if (change.projections().any() || change.assets().any()) {
            pokedex.invalidate();
            pokedexLoad.set(true);
        }
        wake.release();
    }

    @Override
    public void connected(boolean missedChanges) {
        if (missedChanges) {
            dropAll();
            pokedex.invalidate();
            pokedexLoad.set(true);
        }
        trusted = true; // why after dropping: nothing loaded before the gap may be served
        wake.release();
    }

    @Override
    public void disconnected() {
        trusted = false;
    }

    private void dropAll() {
        warm = false;
        documents.invalidateAll();
        documentLoads.clear();
        fullLoad.set(true);
        endpointsLoad.set(true);
    }

    private void loadLoop() {
        while (!closed) {
            try {
                wake.tryAcquire(1, TimeUnit.SECONDS);
                wake.drainPermits();
                if (!trusted) {
                    continue;
                }
                if (pokedexLoad.getAndSet(false) && !pokedex.load()) {
                    pokedexLoad.set(true); // changed while loading
                    wake.release();
                }
                if (endpointsLoad.getAndSet(false)) {
                    long mark = documents.mark();
                    documents.putEndpoints(store.endpoints(), mark);
                }
                loadChangedDocuments();
                if (fullLoad.getAndSet(false)) {
                    loadEverything();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | java.sql.SQLException e) {
                if (!closed) {
                    log.warn("Loading the in-memory copy failed ({}); serving from the database meanwhile, retrying", e.toString(), e);
                    fullLoad.set(true);
                    pokedexLoad.set(true);
                    endpointsLoad.set(true);
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private void loadChangedDocuments() throws java.sql.SQLException {
        if (documentLoads.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(documentLoads);
        documentLoads.removeAll(ids);
        long mark = documents.mark();
        Set<String> types = new HashSet<>();
        for (String id : ids) {
            int slash = id.indexOf('/');
            String type = id.substring(0, slash);
            String key = id.substring(slash + 1);
            types.add(type);
            store.document(type, key).ifPresent(d -> documents.put(type, key, render(d), mark));
        }
        for (Map.Entry<String, List<ResourceStore.Item>> e : store.items(types).entrySet()) {
            documents.putIndex(e.getKey(), DocumentMemory.TypeIndex.of(e.getValue()), mark);
        }
    }

    private void loadEverything() throws java.sql.SQLException {
        long started = System.nanoTime();
        long mark = documents.mark();
        for (Map.Entry<String, List<ResourceStore.Item>> e : store.items(null).entrySet()) {
            documents.putIndex(e.getKey(), DocumentMemory.TypeIndex.of(e.getValue()), mark);
        }
        documents.putEndpoints(store.endpoints(), mark);
        store.forEachDocument((type, key, doc) -> documents.put(type, key, render(doc), mark));
        if (documents.clearedSince(mark)) {
            fullLoad.set(true); // everything changed again meanwhile: what this load kept was refused
            wake.release();
            return;
        }
        warm = true;
        log.info("in-memory copy loaded: {} documents, {} MB, in {} ms", documents.documentCount(), documents.bytes() >> 20,
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void close() {
        closed = true;
        feed.close();
        loader.interrupt();
        try {
            loader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
