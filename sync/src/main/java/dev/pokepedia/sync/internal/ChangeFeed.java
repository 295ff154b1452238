package dev.pokepedia.sync.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.pokepedia.core.DatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@value #CHANNEL} with one dedicated connection per process and hands each notification
 * ({@code {"user": …, "version": …}}, sent by sync_apply on commit) to that user's subscribers. Works across processes
 * because the notification comes from Postgres. Modelled on the queue's NotificationHub, which wakes waiters per queue
 * rather than calling subscribers, so it is not reused as is.
 */
public final class ChangeFeed implements AutoCloseable {

    public static final String CHANNEL = "pokepedia_sync";
    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatabaseConfig config;
    private final Map<String, Set<LongConsumer>> subscribers = new ConcurrentHashMap<>();
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile boolean listening;
    private volatile boolean closed;

    public ChangeFeed(DatabaseConfig config) {
        this.config = config;
    }

    /** Starts the listener and waits up to {@code timeout} for its first LISTEN; returns whether it listens. */
    public synchronized boolean start(Duration timeout) {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("pokepedia-sync-listener").start(this::run);
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

    public AutoCloseable subscribe(String user, LongConsumer onVersion) {
        subscribers.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(onVersion);
        return () -> subscribers.computeIfPresent(user, (u, set) -> {
            set.remove(onVersion);
            return set.isEmpty() ? null : set;
        });
    }

    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    void dispatch(String payload) {
        try {
            JsonNode n = JSON.readTree(payload);
            Set<LongConsumer> set = subscribers.get(n.path("user").asText());
            if (set != null) {
                long version = n.path("version").asLong();
                for (LongConsumer c : set) {
                    try {
                        c.accept(version);
                    } catch (RuntimeException e) {
                        log.debug("a change subscriber failed: {}", e.toString());
                    }
                }
            }
        } catch (java.io.IOException e) {
            log.warn("ignoring a malformed {} notification: {}", CHANNEL, e.getMessage());
        }
    }

    private void run() {
        RetryPolicy<Connection> reconnect = RetryPolicy.<Connection>builder()
                .handle(SQLException.class)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))
                .withMaxRetries(-1)
                .abortIf((c, e) -> closed)
                .onFailedAttempt(e -> {
                    firstAttempt.countDown();
                    if (e.getAttemptCount() == 1 || e.getAttemptCount() % 20 == 0) {
                        log.warn("Cannot LISTEN for sync changes ({}); event streams stay quiet meanwhile, retrying",
                                e.getLastException().getMessage());
                    }
                })
                .build();
        while (!closed) {
            Connection c = null;
            try {
                c = Failsafe.with(reconnect).get(this::connect);
                listening = true;
                firstAttempt.countDown();
                pump(c);
            } catch (FailsafeException e) {
                // aborted because closed, or interrupted
            } catch (SQLException e) {
                if (!closed) {
                    log.warn("Lost the sync change connection ({}); reconnecting", e.getMessage());
                }
            } finally {
                listening = false;
                if (c != null) {
                    try {
                        c.close();
                    } catch (SQLException ignored) {
                        // closing a broken connection
                    }
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        Connection c = config.connect();
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void pump(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
            // why a timeout: to notice close() within half a second
            PGNotification[] got = pg.getNotifications(500);
            if (got != null) {
                for (PGNotification n : got) {
                    dispatch(n.getParameter());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
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
