package dev.pokepedia.medialibrary.internal;

import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.PgListener;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link CatalogMemory} of one provider's catalog current, or none. A trigger on {@code media_assets}
 * (V704) notifies {@value #CHANNEL} after every committed change; any notification, a lost listening connection or a
 * local write drops the copy at once (the routes then answer from SQL), and a new copy is loaded once the catalog has
 * been quiet for {@link #QUIET}. why drop instead of patch: a copy is never answered after a change it does not hold,
 * and a reload of 100,000 rows takes about a second, which a burst of changes would otherwise repeat for each.
 */
public final class MemoryKeeper implements AutoCloseable {

    public static final String CHANNEL = "media_catalog_changed";
    /** How long the catalog must stay unchanged before a new copy is loaded. */
    static final Duration QUIET = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(MemoryKeeper.class);

    private final DataSource dataSource;
    private final CatalogReader reader;
    private final PgListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version; // guarded by lock: grows with every change signal
    private CatalogMemory memory; // guarded by lock; null while stale
    private boolean closed; // guarded by lock
    private final Thread loader;

    public MemoryKeeper(DatabaseConfig config, DataSource dataSource, CatalogReader reader) {
        this.dataSource = dataSource;
        this.reader = reader;
        this.listener = new PgListener(config, List.of(CHANNEL), "media catalog changes", PgListener.RECONNECT,
                new PgListener.Events() {
                    @Override
                    public void notification(String channel, String payload) {
                        invalidate();
                    }

                    @Override
                    public void listening() {
                        invalidate(); // why: whatever changed while nobody listened was not announced
                    }

                    @Override
                    public void lost() {
                        invalidate();
                    }
                }).applicationName("pokepedia-media-catalog");
        this.loader = Thread.ofVirtual().name("media-catalog-memory").unstarted(this::loadLoop);
    }

    public MemoryKeeper start() {
        loader.start();
        listener.start(Duration.ZERO);
        return this;
    }

    /** The current copy, or null when it may be stale (the caller answers from SQL). */
    public CatalogMemory current() {
        lock.lock();
        try {
            return listener.listening() ? memory : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The change count the current copy was loaded at, or -1 when there is no current copy: equal numbers mean the
     * catalog has not changed in between (for caches of answers derived from it).
     */
    public long freshVersion() {
        lock.lock();
        try {
            return listener.listening() && memory != null ? version : -1;
        } finally {
            lock.unlock();
        }
    }

    /** The catalog changed (or may have): drop the copy now; a new one is loaded when the catalog is quiet. */
    public void invalidate() {
        lock.lock();
        try {
            version++;
            memory = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loadLoop() {
        long loaded = -1;
        while (true) {
            long v;
            lock.lock();
            try {
                while (!closed && (version == loaded || !listener.listening())) {
                    changed.await(1, TimeUnit.SECONDS); // why timed: listening() turns true without a signal
                }
                if (closed) {
                    return;
                }
                // quiet period: wait until no change came for QUIET
                do {
                    v = version;
                    changed.await(QUIET.toNanos(), TimeUnit.NANOSECONDS);
                } while (!closed && v != version);
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            CatalogMemory copy;
            long t0 = System.nanoTime();
            try (Connection c = dataSource.getConnection()) {
                copy = CatalogMemory.load(c, reader);
            } catch (Exception e) {
                log.warn("could not load the media catalog into memory (answering from the database meanwhile): {}",
                        e.getMessage(), e);
                loaded = -1;
                lock.lock();
                try {
                    changed.await(5, TimeUnit.SECONDS); // why: a failing database is not asked again at once
                } catch (InterruptedException ie) {
                    return;
                } finally {
                    lock.unlock();
                }
                continue;
            }
            lock.lock();
            try {
                if (version == v) { // why under the lock: a change signalled after the load's snapshot discards it
                    memory = copy;
                    loaded = v;
                    log.debug("media catalog in memory: {} rows in {} ms", copy.size(), (System.nanoTime() - t0) / 1_000_000);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            memory = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        listener.close();
    }
}
