package dev.pokepedia.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.core.DatabaseConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the change feed: after every committed transaction that changed documents, projections, the endpoint
 * list or the asset manifest, the database sends one notification on {@value #CHANNEL} (triggers of migrations
 * V105 and V205) with what changed and the value of a change counter that grows by one per such transaction, in
 * commit order.
 *
 * <p>One dedicated (unpooled) connection LISTENs. The listener is told {@link Listener#connected(boolean)} after each
 * (re)connect, with {@code missedChanges} true when the counter moved since the last change it was given (always on
 * the first connect): it must then reload everything. While the connection is down ({@link Listener#disconnected()})
 * changes may go unseen, so what was loaded from the database must not be trusted; the feed reconnects with
 * exponential backoff. A counter that skips a value while connected (which should not happen) is reported as
 * {@code connected(true)} too.
 */
public final class ChangeFeed implements AutoCloseable {

    public static final String CHANNEL = "pokepedia_changes";
    /** The listening connection's {@code application_name} (to find it in {@code pg_stat_activity}). */
    public static final String APPLICATION_NAME = "pokepedia-change-feed";
    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);

    /** What changed of one kind: everything, or these ids. */
    public record Ids(boolean all, Set<String> ids) {
        public static final Ids NONE = new Ids(false, Set.of());

        public boolean any() {
            return all || !ids.isEmpty();
        }
    }

    /**
     * One committed change.
     *
     * @param documents   {@code type/key} of documents whose served form may differ (content, name, tombstone, media)
     * @param projections projection names ({@code pokemon}, {@code species}, {@code moves}, {@code types},
     *                    {@code evolution-chains})
     * @param assets      {@code bucket/path} of asset manifest rows whose served state changed
     */
    public record Change(long counter, Ids documents, Ids projections, Ids assets, boolean endpoints) {}

    /** Called on the feed's own thread, in order; keep it short (hand work to another thread). */
    public interface Listener {
        void changed(Change change);

        void connected(boolean missedChanges);

        void disconnected();
    }

    private final DatabaseConfig config;
    private final Listener listener;
    private final Object startLock = new Object();
    private volatile Thread thread;
    private volatile boolean closed;
    private long lastSeen = -1; // only the feed thread touches it

    public ChangeFeed(DatabaseConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
    }

    public ChangeFeed start() {
        synchronized (startLock) {
            if (thread == null && !closed) {
                thread = Thread.ofPlatform().daemon().name("pokepedia-change-feed").start(this::run);
            }
        }
        return this;
    }

    /** Parses a notification payload (public for tests and tools). */
    public static Change parse(String payload) {
        try {
            JsonNode n = MAPPER.readTree(payload);
            return new Change(n.path("c").asLong(-1), ids(n.get("d")), ids(n.get("p")), ids(n.get("a")), n.has("e"));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a change feed payload: " + payload, e);
        }
    }

    private static Ids ids(JsonNode n) {
        if (n == null) {
            return Ids.NONE;
        }
        if (n.isTextual()) {
            return new Ids(true, Set.of()); // "many"
        }
        Set<String> out = new LinkedHashSet<>();
        n.forEach(v -> out.add(v.asText()));
        return new Ids(false, Set.copyOf(out));
    }

    private void run() {
        long backoffMs = 100;
        while (!closed) {
            Connection c = null;
            try {
                c = config.connect();
                try (Statement st = c.createStatement()) {
                    st.execute("SET application_name = '" + APPLICATION_NAME + "'");
                    st.execute("LISTEN " + CHANNEL);
                }
                // why after LISTEN: a change committed after this read is notified; one before it moved the counter
                long now = counter(c);
                boolean missed = lastSeen < 0 || now != lastSeen;
                lastSeen = now;
                backoffMs = 100;
                listener.connected(missed);
                pump(c);
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    log.warn("Lost the change feed connection ({}); serving from the database until it is back", e.getMessage());
                }
            } finally {
                closeQuietly(c);
            }
            if (closed) {
                break;
            }
            listener.disconnected();
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                break;
            }
            backoffMs = Math.min(5_000, backoffMs * 2);
        }
    }

    private void pump(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long nextHeartbeat = System.nanoTime() + HEARTBEAT.toNanos();
        while (!closed) {
            PGNotification[] got = pg.getNotifications(250);
            if (got != null) {
                for (PGNotification n : got) {
                    if (!CHANNEL.equals(n.getName())) {
                        continue;
                    }
                    Change change = parse(n.getParameter());
                    if (change.counter() <= lastSeen) {
                        continue; // committed before our counter read after (re)connecting: already covered
                    }
                    if (change.counter() != lastSeen + 1) {
                        log.warn("Change feed skipped from {} to {}; reloading everything", lastSeen, change.counter());
                        lastSeen = change.counter();
                        listener.connected(true);
                        continue;
                    }
                    lastSeen = change.counter();
                    listener.changed(change);
                }
            }
            if (System.nanoTime() - nextHeartbeat > 0) {
                counter(c); // why: a connection that died without a word (half-open TCP) shows up here
                nextHeartbeat = System.nanoTime() + HEARTBEAT.toNanos();
            }
        }
    }

    private static long counter(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM pokepedia_change_counter");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
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
