package dev.pokepedia.queue.internal;

import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.PgListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes waiting readers when a queue gets messages. One dedicated (unpooled) connection LISTENs on the channel
 * {@value #CHANNEL}, whose payload is the queue name (the SQL functions NOTIFY on send, release, retry and set_vt;
 * PostgreSQL folds identical notifications of one transaction, so a batch costs one). Each queue has a generation
 * counter that every notification for it bumps: a reader notes the generation, reads, and if the read was empty
 * waits only while the generation is unchanged — a send between its read and its wait is never missed.
 *
 * <p>The connection is core's {@link PgListener}: if it is lost, every waiter is woken (it re-reads, then falls back to
 * polling) and the listener reconnects with backoff; after reconnecting it wakes everyone again, since notifications
 * sent meanwhile are gone.
 */
public final class NotificationHub implements AutoCloseable {

    public static final String CHANNEL = "pokepedia_queue";

    private static final class Signal {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        volatile long generation;
    }

    private final Map<String, Signal> signals = new ConcurrentHashMap<>();
    private final PgListener listener;

    /** @param config where to LISTEN; null = no notifications, readers poll */
    public NotificationHub(DatabaseConfig config) {
        this.listener = config == null ? null : new PgListener(config, List.of(CHANNEL), "queue notifications", PgListener.RECONNECT,
                new PgListener.Events() {
                    @Override
                    public void notification(String channel, String queue) {
                        wake(queue);
                    }

                    @Override
                    public void listening() {
                        wakeAll(); // why: anything sent while we were not listening must be picked up by a read
                    }

                    @Override
                    public void lost() {
                        wakeAll(); // why: waiters re-read, then poll until notifications are back
                    }
                });
    }

    /**
     * Starts the listener if needed and waits (up to {@code timeout}) for its first LISTEN to succeed or fail.
     * Returns whether notifications are being received.
     */
    public boolean ensureListening(Duration timeout) {
        return listener != null && listener.start(timeout);
    }

    public boolean listening() {
        return listener != null && listener.listening();
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

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        wakeAll();
    }
}
