package dev.pokepedia.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.PgListener;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

    private final PgListener listener;
    private long lastSeen = -1; // only the listener thread touches it

    public ChangeFeed(DatabaseConfig config, Listener listener) {
        this.listener = new PgListener(config, List.of(CHANNEL), "the change feed", PgListener.RECONNECT, new Events(listener))
                .applicationName(APPLICATION_NAME);
    }

    public ChangeFeed start() {
        listener.start(Duration.ZERO);
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

    /** The feed's side of the listener: counter checks in commit order, on the listener's thread. */
    private final class Events implements PgListener.Events {
        private final Listener owner;

        Events(Listener owner) {
            this.owner = owner;
        }

        @Override
        public void listening(Connection c) throws SQLException {
            // why after LISTEN: a change committed after this read is notified; one before it moved the counter
            long now = counter(c);
            boolean missed = lastSeen < 0 || now != lastSeen;
            lastSeen = now;
            owner.connected(missed);
        }

        @Override
        public void lost() {
            owner.disconnected();
        }

        @Override
        public void notification(String channel, String payload) {
            Change change = parse(payload);
            if (change.counter() <= lastSeen) {
                return; // committed before our counter read after (re)connecting: already covered
            }
            if (change.counter() != lastSeen + 1) {
                log.warn("Change feed skipped from {} to {}; reloading everything", lastSeen, change.counter());
                lastSeen = change.counter();
                owner.connected(true);
                return;
            }
            lastSeen = change.counter();
            owner.changed(change);
        }
    }

    private static long counter(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM pokepedia_change_counter");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public void close() {
        listener.close();
    }
}
