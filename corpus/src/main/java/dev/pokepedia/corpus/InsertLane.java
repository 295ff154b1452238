package dev.pokepedia.corpus;

import dev.pokepedia.corpus.internal.CanonicalStore;
import dev.pokepedia.corpus.internal.StoredDocument;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One connection that stores new documents for the import's writer, on its own thread: the writer hands it documents
 * and batch ends, it streams them into an open COPY and commits each batch, the documents' source hashes and pending
 * projections in the same transaction.
 *
 * <p>why lanes: PostgreSQL parses and stores a COPY on one core; two COPYs on two connections use both (a psql test:
 * 2.8 s for the corpus on one, 1.5-1.6 s split over two). When the server is the slower side, the import's own
 * threads sit idle, so a second lane turns that idle core into storing.
 */
final class InsertLane implements AutoCloseable {

    private static final Object END = new Object();

    private record Doc(StoredDocument doc, CanonicalStore.SourceHash hash) {}

    private record Flush() {}

    private final CanonicalStore store;
    private final String source;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);
    private final Thread thread;
    private volatile Throwable failure;
    private long queuedBytes; // written by the writer thread only; a hint for choosing the emptier lane
    private volatile long storedBytes; // written by the lane's thread only

    InsertLane(CanonicalStore store, String source, String name) {
        this.store = store;
        this.source = source;
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    /** Bytes handed to this lane and not yet stored: the writer gives the next document to the lane with fewer. */
    long backlog() {
        return queuedBytes - storedBytes;
    }

    void insert(StoredDocument d, CanonicalStore.SourceHash hash) throws SQLException, InterruptedException {
        queuedBytes += d.json().length;
        put(new Doc(d, hash));
    }

    /** Ends the lane's current batch: it commits what it was given so far (without waiting for it). */
    void flush() throws SQLException, InterruptedException {
        put(new Flush());
    }

    /** Commits the rest and waits for the lane; throws what made it fail, if anything did. */
    void finish() throws SQLException, InterruptedException {
        put(END);
        thread.join();
        rethrow();
    }

    private void put(Object o) throws SQLException, InterruptedException {
        // why timed: a lane that failed stops taking; the writer must notice instead of blocking forever
        while (!queue.offer(o, 50, TimeUnit.MILLISECONDS)) {
            rethrow();
        }
        rethrow();
    }

    private void rethrow() throws SQLException {
        Throwable t = failure;
        if (t instanceof SQLException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    private void loop() {
        Map<dev.pokepedia.corpus.DocumentId, CanonicalStore.SourceHash> hashes = new HashMap<>();
        try {
            while (true) {
                Object o = queue.take();
                if (o instanceof Doc d) {
                    store.streamInsert(d.doc(), source);
                    if (d.hash() != null) {
                        hashes.put(d.doc().id(), d.hash());
                    }
                    storedBytes += d.doc().json().length;
                } else {
                    store.saveSourceHashes(hashes); // (same transaction as the documents they describe)
                    store.commit();
                    hashes.clear();
                    if (o == END) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            failure = new SQLException("import interrupted");
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Stops the lane if it still runs (the import failed) and returns its connection; uncommitted rows roll back. */
    @Override
    public void close() throws SQLException {
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5)); // (a lane blocked on the socket ends when its connection closes)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        store.close();
    }
}
