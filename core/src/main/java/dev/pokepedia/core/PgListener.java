package dev.pokepedia.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL LISTEN on one dedicated (unpooled) connection and thread: each notification goes to
 * {@link Events#notification}; a lost connection is reported ({@link Events#lost}) and reopened with {@link Backoff}, and
 * each successful LISTEN is reported ({@link Events#listening}) because whatever was sent while nobody listened is gone:
 * the owner re-reads what it would have announced. Used by the queue's wake-ups and sync's change feed.
 */
public final class PgListener implements AutoCloseable {

    /** What the listener reports; called on its own thread, one at a time. */
    public interface Events {

        void notification(String channel, String payload);

        /** LISTEN (re)started. Notifications sent before now were not seen (on the first start as after a loss). */
        default void listening() {
        }

        /**
         * LISTEN (re)started, with the listening connection, for an owner that must read its state on that very
         * connection after LISTEN (so nothing committed in between goes unseen). A failure counts as a lost connection.
         * By default {@link #listening()}.
         */
        default void listening(Connection connection) throws SQLException {
            listening();
        }

        /** The connection is gone (or closing); nothing is received until {@link #listening} again. */
        default void lost() {
        }
    }

    /** Reconnect delays: quick at first, at most a few seconds apart (a listener is cheap to reopen). */
    public static final Backoff RECONNECT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2);

    private static final Logger log = LoggerFactory.getLogger(PgListener.class);
    /** why: LISTEN takes an identifier, not a parameter, so the names are checked instead of quoted. */
    private static final Pattern CHANNEL = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");
    private static final int POLL_MILLIS = 500;
    /** why: a connection that died without a word (half-open TCP) only shows when it is used */
    private static final long HEARTBEAT_NANOS = Duration.ofSeconds(2).toNanos();

    private final DatabaseConfig config;
    private final List<String> channels;
    private final String what;
    private final Backoff backoff;
    private final Events events;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private Thread thread;
    private volatile boolean listening;
    private volatile boolean closed;
    private volatile String applicationName;

    /**
     * @param what     for logs and the thread name, e.g. "queue notifications"
     * @param channels lower-case channel names
     */
    public PgListener(DatabaseConfig config, List<String> channels, String what, Backoff backoff, Events events) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("no channel to LISTEN on");
        }
        for (String c : channels) {
            if (!CHANNEL.matcher(c).matches()) {
                throw new IllegalArgumentException("not a plain channel name: " + c);
            }
        }
        this.config = config;
        this.channels = List.copyOf(channels);
        this.what = what;
        this.backoff = backoff;
        this.events = events;
    }

    /** Names the listening connection in {@code pg_stat_activity} (before {@link #start}). */
    public PgListener applicationName(String name) {
        if (!CHANNEL.matcher(name.replace('-', '_')).matches()) {
            throw new IllegalArgumentException("not a plain application name: " + name);
        }
        this.applicationName = name;
        return this;
    }

    /**
     * Starts the listener if needed and waits (up to {@code timeout}) for its first LISTEN to succeed or fail; returns
     * whether it listens. why wait only for the first attempt: a caller must not hang on a server that is down.
     */
    public boolean start(Duration timeout) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("pokepedia-listen-" + channels.getFirst()).start(this::run);
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

    private void run() {
        int failures = 0;
        while (!closed) {
            Connection c;
            try {
                c = connect();
            } catch (SQLException e) {
                firstAttempt.countDown();
                failures++;
                if (failures == 1 || failures % 20 == 0) {
                    log.warn("Cannot LISTEN for {} ({}); retrying", what, e.getMessage());
                }
                if (!pause(backoff.delay(failures, ThreadLocalRandom.current()))) {
                    return;
                }
                continue;
            }
            failures = 0;
            boolean broken = false;
            try {
                listening = true;
                firstAttempt.countDown();
                events.listening(c);
                pump(c);
            } catch (SQLException e) {
                if (!closed) {
                    log.warn("Lost the connection listening for {} ({}); reconnecting", what, e.getMessage());
                }
            } catch (RuntimeException e) {
                log.warn("Handling a (re)start of listening for {} failed; reconnecting", what, e);
                broken = true;
            } finally {
                listening = false;
                closeQuietly(c);
                report(events::lost);
            }
            if (broken && !pause(backoff.delay(1, ThreadLocalRandom.current()))) {
                return; // why the pause: a failing owner must not make the listener reconnect in a tight loop
            }
        }
    }

    private Connection connect() throws SQLException {
        Connection c = config.connect();
        try (Statement st = c.createStatement()) {
            if (applicationName != null) {
                st.execute("SET application_name = '" + applicationName + "'");
            }
            for (String channel : channels) {
                st.execute("LISTEN " + channel);
            }
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    private void pump(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long nextHeartbeat = System.nanoTime() + HEARTBEAT_NANOS;
        while (!closed) {
            // why a timeout: to notice close() and a dead server within half a second
            PGNotification[] got = pg.getNotifications(POLL_MILLIS);
            if (got != null) {
                for (PGNotification n : got) {
                    report(() -> events.notification(n.getName(), n.getParameter()));
                }
            }
            if (System.nanoTime() - nextHeartbeat > 0) {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 1");
                }
                nextHeartbeat = System.nanoTime() + HEARTBEAT_NANOS;
            }
        }
    }

    /** why: an owner's bug must not end the listener; it is logged with its stack trace and the loop goes on. */
    private void report(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            log.warn("Handling an event while listening for {} failed", what, e);
        }
    }

    /** Waits before the next attempt; false when closed meanwhile. */
    private boolean pause(Duration delay) {
        try {
            return !closing.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        closing.countDown();
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
