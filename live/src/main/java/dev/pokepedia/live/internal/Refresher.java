package dev.pokepedia.live.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.corpus.DocumentStore;
import dev.pokepedia.live.LiveQueues;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.media.AssetRef;
import dev.pokepedia.queue.Queues;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows stored documents, coalesced per process: projection rows, the asset manifest, and the sprite
 * messages for newly referenced media. Ingest handlers report changed documents and return at once; one background
 * thread works off everything reported since its last pass, so a crawl of thousands of documents costs a few
 * set-based refreshes instead of one per document.
 *
 * <p>Durable without it: the projection work is recorded in {@code pokepedia_projection_pending} in the same
 * transaction as each document, and the hourly asset schedule enqueues any unstored asset a crash left behind.
 */
public final class Refresher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Refresher.class);
    private static final Set<String> MEDIA_TYPES = Set.of("pokemon", "pokemon-form", "item", "type");
    /** why: lets a burst of handlers finish before a pass starts, so one pass covers many documents */
    private static final Duration GATHER = Duration.ofMillis(200);

    private final DocumentStore store;
    private final AssetManifest manifest;
    private final Queues queues;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition reported = lock.newCondition();
    private final Condition passed = lock.newCondition();
    private final RetryPolicy<Object> retry = RetryPolicy.builder()
            .handleIf(e -> e instanceof PokepediaException p && p.code().retriable())
            .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(2)).withJitter(0.5).withMaxRetries(5).build();
    private Set<DocumentId> changed = new HashSet<>();
    private long reportedCount;
    private long passedCount;
    private boolean closed;
    private final Thread thread;

    public Refresher(DocumentStore store, AssetManifest manifest, Queues queues) {
        this.store = store;
        this.manifest = manifest;
        this.queues = queues;
        this.thread = Thread.ofVirtual().name("live-refresher").start(this::loop);
    }

    /** A document was stored, changed or tombstoned. */
    public void changed(DocumentId id) {
        lock.lock();
        try {
            changed.add(id);
            reportedCount++;
            reported.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until everything reported before this call went through a successful pass. */
    public void flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            long target = reportedCount;
            reported.signalAll();
            while (passedCount < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    throw new PokepediaException(PokepediaException.ErrorCode.DATABASE_UNAVAILABLE,
                            "projection/media refresh did not finish within " + timeout.toSeconds() + " s",
                            "Check the database; the pending work stays recorded and the next pass picks it up.", null);
                }
                passed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            Set<DocumentId> batch;
            long upTo;
            lock.lock();
            try {
                while (changed.isEmpty() && !closed) {
                    reported.await();
                }
                if (closed && changed.isEmpty()) {
                    return;
                }
                if (!closed) {
                    reported.awaitNanos(GATHER.toNanos());
                }
                batch = changed;
                upTo = reportedCount;
                changed = new HashSet<>();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                Failsafe.with(retry).run(() -> pass(batch));
                lock.lock();
                try {
                    passedCount = Math.max(passedCount, upTo);
                    passed.signalAll();
                } finally {
                    lock.unlock();
                }
            } catch (RuntimeException e) {
                log.warn("Refreshing projections/media for {} document(s) failed; retrying with the next pass", batch.size(), e);
                lock.lock();
                try {
                    changed.addAll(batch);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void pass(Set<DocumentId> batch) {
        store.refreshProjections();
        List<DocumentId> docs = batch.stream().filter(id -> MEDIA_TYPES.contains(id.type())).toList();
        if (docs.isEmpty()) {
            return;
        }
        manifest.refresh();
        List<AssetRef> assets = manifest.unstoredReferencedBy(docs);
        LiveQueues.enqueueAssets(queues, assets);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            reported.signalAll();
            passed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
