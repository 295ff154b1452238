package dev.pokepedia.queue.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.pokepedia.core.DatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes waiting readers when a queue gets messages. One dedicated (unpooled) connection LISTENs on the channel
 * {@value #CHANNEL}, whose payload is the queue name (the SQL functions NOTIFY on send, release, retry and set_vt;
 * PostgreSQL folds identical notifications of one transaction, so a batch costs one). Each queue has a generation
 * counter that every notification for it bumps: a reader notes the generation, reads, and if the read was empty
 * waits only while the generation is unchanged — a send between its read and its wait is never missed.
 *
 * <p>If the connection is lost, every waiter is woken (it re-reads, then falls back to polling) and the listener
 * reconnects with exponential backoff; after reconnecting it wakes everyone again, since notifications sent
 * meanwhile are gone.
 */
public final class NotificationHub implements AutoCloseable {

    public static final String CHANNEL = "pokepedia_queue";
    private static final Logger log = LoggerFactory.getLogger(NotificationHub.class);

    private static final class Signal {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        volatile long generation;
    }

    private final DatabaseConfig config;
    private final Map<String, Signal> signals = new ConcurrentHashMap<>();
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final Object startLock = new Object();
    private volatile Thread thread;
    private volatile Connection connection;
    private volatile boolean listening;
    private volatile boolean closed;

    /** @param config where to LISTEN; null = no notifications, readers poll */
    public NotificationHub(DatabaseConfig config) {
        this.config = config;
    }

    /**
     * Starts the listener if needed and waits (up to {@code timeout}) for its first LISTEN to succeed or fail.
     * Returns whether notifications are being received.
     */
    public boolean ensureListening(Duration timeout) {
        if (config == null || closed) {
            return false;
        }
        synchronized (startLock) {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("pokepedia-queue-listener").start(this::run);
            }
        }
        try {
            firstAttempt.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return listening;
    }

    public boolean listening() {
        return listening;
    }

    public long generation(String queue) {
        return signal(queue).generation;
    }

    /** Waits until {@code queue}'s generation differs from {@code seen}, or {@code nanos} have passed. */
    public void await(String queue, long seen, long nanos) throws InterruptedException {
        Signal s = signal(queue);
        s.lock.lock();
        try {
            long left = nanos;
            while (s.generation == seen && left > 0) {
                left = s.changed.awaitNanos(left);
            }
        } finally {
            s.lock.unlock();
        }
    }

    /** Wakes the waiters of one queue (also used locally, e.g. to stop a worker). */
    public void wake(String queue) {
        Signal s = signal(queue);
        s.lock.lock();
        try {
            s.generation++;
            s.changed.signalAll();
        } finally {
            s.lock.unlock();
        }
    }

    public void wakeAll() {
        signals.keySet().forEach(this::wake);
    }

    private Signal signal(String queue) {
        return signals.computeIfAbsent(queue, q -> new Signal());
    }

    private void run() {
        RetryPolicy<Connection> reconnect = RetryPolicy.<Connection>builder()
                .handle(SQLException.class)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))
                .withMaxRetries(-1)
                .abortIf((c, e) -> closed)
                .onFailedAttempt(e -> {
                    firstAttempt.countDown(); // why: the first reader must not wait for a server that is down
                    if (e.getAttemptCount() == 1 || e.getAttemptCount() % 20 == 0) {
                        log.warn("Cannot LISTEN for queue notifications ({}); readers poll meanwhile, retrying",
                                e.getLastException().getMessage());
                    }
                })
                .build();
        while (!closed) {
            try {
                Connection c = Failsafe.with(reconnect).get(this::connect);
                connection = c;
                listening = true;
                firstAttempt.countDown();
                wakeAll(); // why: anything sent while we were not listening must be picked up by a read
                pump(c);
            } catch (FailsafeException e) {
                // interrupted while waiting to reconnect, or aborted because closed
            } catch (SQLException e) {
                if (!closed) {
                    log.warn("Lost the queue notification connection ({}); readers poll until it is back", e.getMessage());
                }
            } finally {
                listening = false;
                closeQuietly(connection);
                connection = null;
                wakeAll();
            }
        }
    }

    private Connection connect() throws SQLException {
        Connection c = config.connect();
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    private void pump(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
            // why a timeout: to notice close() and a dead server within half a second
            PGNotification[] got = pg.getNotifications(500);
            if (got != null) {
                for (PGNotification n : got) {
                    wake(n.getParameter());
                }
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken connection
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        wakeAll();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
