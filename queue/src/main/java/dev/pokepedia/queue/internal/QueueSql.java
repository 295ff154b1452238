package dev.pokepedia.queue.internal;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.core.PokepediaException.ErrorCode;
import dev.pokepedia.core.SqlFailures;
import dev.pokepedia.queue.ArchivedMessage;
import dev.pokepedia.queue.Message;
import dev.pokepedia.queue.OutgoingMessage;
import dev.pokepedia.queue.QueueException;
import dev.pokepedia.queue.QueueInfo;
import dev.pokepedia.queue.QueueMetrics;
import dev.pokepedia.queue.QueueNotFoundException;
import dev.pokepedia.queue.QueueSettings;
import dev.pokepedia.queue.QueueStats;
import dev.pokepedia.queue.QueueThroughput;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * One method per SQL function of V300__queue.sql, each one autocommitted statement on a pooled connection: no
 * transaction is ever held open across calls, so a handler runs with nothing locked.
 */
public final class QueueSql {

    /** Interval parameters travel as microseconds. */
    private static final String INTERVAL = "(?::bigint * interval '1 microsecond')";

    private final DataSource dataSource;

    public QueueSql(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T run(String what, String queue, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(what, queue, e);
        }
    }

    /**
     * The queue's own SQLSTATEs first (PQ001 unknown queue, 22xxx a body or headers that are not JSON); the rest is
     * {@link SqlFailures}' call: unavailable, transient, or a bug.
     */
    public static QueueException translate(String what, String queue, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("PQ001")) {
            return new QueueNotFoundException(queue, e);
        }
        if (state.startsWith("22")) {
            return new QueueException(ErrorCode.INVALID_DOCUMENTS, what + " on queue '" + queue + "' was rejected: " + firstLine(e.getMessage()),
                    "Message bodies must be valid JSON, headers a JSON object or null.", e);
        }
        // why re-wrapped: every failure of the queue API is a QueueException, whatever its family
        PokepediaException p = SqlFailures.classify(what + " on queue '" + queue + "'", e);
        return new QueueException(p.code(), p.getMessage(), p.hint(), e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static long micros(Duration d) {
        return TimeUnit.MICROSECONDS.convert(d);
    }

    public void create(String queue, QueueSettings settings) {
        run("create", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_create(?, ?)")) {
                ps.setString(1, queue);
                ps.setInt(2, settings.maxReads());
                ps.execute();
            }
            return null;
        });
    }

    public boolean drop(String queue) {
        return run("drop", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_drop(?)")) {
                ps.setString(1, queue);
                return single(ps.executeQuery(), rs -> rs.getBoolean(1));
            }
        });
    }

    public List<QueueInfo> list() {
        return run("list", "*", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, max_reads, created_at FROM pokepedia_queues ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                List<QueueInfo> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new QueueInfo(rs.getString(1), new QueueSettings(rs.getInt(2)), instant(rs, 3)));
                }
                return out;
            }
        });
    }

    public long send(String queue, OutgoingMessage message, Duration delay) {
        return run("send", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_send(?, ?::jsonb, ?::jsonb, " + INTERVAL + ")")) {
                ps.setString(1, queue);
                ps.setString(2, message.body());
                ps.setString(3, message.headers());
                ps.setLong(4, micros(delay));
                return single(ps.executeQuery(), rs -> rs.getLong(1));
            }
        });
    }

    public List<Long> sendBatch(String queue, List<OutgoingMessage> messages, Duration delay) {
        if (messages.isEmpty()) {
            return List.of();
        }
        return run("send_batch", queue, c -> {
            String[] bodies = new String[messages.size()];
            String[] headers = null;
            for (int i = 0; i < bodies.length; i++) {
                OutgoingMessage m = messages.get(i);
                bodies[i] = m.body();
                if (m.headers() != null) {
                    if (headers == null) {
                        headers = new String[bodies.length];
                    }
                    headers[i] = m.headers();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM pokepedia_queue_send_batch(?, ?::text[]::jsonb[], ?::text[]::jsonb[], " + INTERVAL + ")")) {
                ps.setString(1, queue);
                ps.setArray(2, c.createArrayOf("text", bodies));
                if (headers == null) {
                    ps.setNull(3, Types.ARRAY);
                } else {
                    ps.setArray(3, c.createArrayOf("text", headers));
                }
                ps.setLong(4, micros(delay));
                return longs(ps.executeQuery());
            }
        });
    }

    /** Claims up to {@code qty} messages; {@code readLimit} null = the queue's max_reads, 0 = never dead-letter. */
    public List<Long> sendUnique(String queue, List<String> bodies, List<String> keys, Duration delay) {
        if (bodies.isEmpty()) {
            return List.of();
        }
        return run("send_unique", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM pokepedia_queue_send_unique(?, ?::text[]::jsonb[], ?::text[], " + INTERVAL + ")")) {
                ps.setString(1, queue);
                ps.setArray(2, c.createArrayOf("text", bodies.toArray()));
                ps.setArray(3, c.createArrayOf("text", keys.toArray()));
                ps.setLong(4, micros(delay));
                return longs(ps.executeQuery());
            }
        });
    }

    public List<Message> read(String queue, Duration visibility, int qty, Integer readLimit) {
        return run("read", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM pokepedia_queue_read(?, " + INTERVAL + ", ?, ?)")) {
                ps.setString(1, queue);
                ps.setLong(2, micros(visibility));
                ps.setInt(3, qty);
                if (readLimit == null) {
                    ps.setNull(4, Types.INTEGER);
                } else {
                    ps.setInt(4, readLimit);
                }
                return messages(queue, ps.executeQuery());
            }
        });
    }

    public Optional<Message> pop(String queue) {
        return run("pop", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM pokepedia_queue_pop(?)")) {
                ps.setString(1, queue);
                return messages(queue, ps.executeQuery()).stream().findFirst();
            }
        });
    }

    public List<Long> delete(String queue, Collection<Long> ids) {
        return idsCall("delete", "SELECT * FROM pokepedia_queue_delete(?, ?::bigint[])", queue, ids);
    }

    public List<Long> archive(String queue, Collection<Long> ids) {
        return idsCall("archive", "SELECT * FROM pokepedia_queue_archive(?, ?::bigint[])", queue, ids);
    }

    private List<Long> idsCall(String what, String sql, String queue, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return run(what, queue, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, queue);
                ps.setArray(2, bigints(c, ids));
                return longs(ps.executeQuery());
            }
        });
    }

    public Optional<Message> setVisibilityTimeout(String queue, long id, Duration visibility) {
        return run("set_vt", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM pokepedia_queue_set_vt(?, ?, " + INTERVAL + ")")) {
                ps.setString(1, queue);
                ps.setLong(2, id);
                ps.setLong(3, micros(visibility));
                return messages(queue, ps.executeQuery()).stream().findFirst();
            }
        });
    }

    public long purge(String queue) {
        return run("purge", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_purge(?)")) {
                ps.setString(1, queue);
                return single(ps.executeQuery(), rs -> rs.getLong(1));
            }
        });
    }

    /** Metrics of one queue, or of all when {@code queue} is null. */
    public List<QueueMetrics> metrics(String queue) {
        return run("metrics", queue == null ? "*" : queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM pokepedia_queue_metrics(?)")) {
                ps.setString(1, queue);
                try (ResultSet rs = ps.executeQuery()) {
                    List<QueueMetrics> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new QueueMetrics(rs.getString("queue"), rs.getLong("queue_length"), rs.getLong("queue_visible_length"),
                                age(rs, "oldest_msg_age_sec"), age(rs, "newest_msg_age_sec"), rs.getLong("total_messages"),
                                instant(rs, "scrape_time")));
                    }
                    return out;
                }
            }
        });
    }

    public boolean retryLater(String queue, long id, String error, Duration delay, Integer expectedReadCount) {
        return run("retry_later", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_retry_later(?, ?, ?, " + INTERVAL + ", ?)")) {
                ps.setString(1, queue);
                ps.setLong(2, id);
                ps.setString(3, error);
                ps.setLong(4, micros(delay));
                setNullableInt(ps, 5, expectedReadCount);
                return single(ps.executeQuery(), rs -> rs.getBoolean(1));
            }
        });
    }

    public boolean deadLetter(String queue, long id, String error, Integer expectedReadCount) {
        return run("dead_letter", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_dead_letter(?, ?, ?, ?)")) {
                ps.setString(1, queue);
                ps.setLong(2, id);
                ps.setString(3, error);
                setNullableInt(ps, 4, expectedReadCount);
                return single(ps.executeQuery(), rs -> rs.getBoolean(1));
            }
        });
    }

    /** Hands claimed, unstarted messages back: visible now, the claiming read not counted. */
    public long release(String queue, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return run("release", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_release(?, ?::bigint[])")) {
                ps.setString(1, queue);
                ps.setArray(2, bigints(c, ids));
                return single(ps.executeQuery(), rs -> rs.getLong(1));
            }
        });
    }

    /** Moves dead letters back onto the queue (all of them when {@code ids} is null). */
    public long redrive(String queue, Collection<Long> ids) {
        return run("redrive", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_redrive(?, ?::bigint[])")) {
                ps.setString(1, queue);
                if (ids == null) {
                    ps.setNull(2, Types.ARRAY);
                } else {
                    ps.setArray(2, bigints(c, ids));
                }
                return single(ps.executeQuery(), rs -> rs.getLong(1));
            }
        });
    }

    /** Newest dead letters first. */
    public void setPaused(String queue, boolean paused) {
        run(paused ? "pause" : "resume", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_set_paused(?, ?)")) {
                ps.setString(1, queue);
                ps.setBoolean(2, paused);
                ps.execute();
            }
            return null;
        });
    }

    public long discardDeadLetters(String queue) {
        return run("discard dead letters", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_discard_dead(?)")) {
                ps.setString(1, queue);
                return single(ps.executeQuery(), rs -> rs.getLong(1));
            }
        });
    }

    public long cleanup(Duration keep) {
        return run("cleanup", "*", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_cleanup(" + INTERVAL + ")")) {
                ps.setLong(1, micros(keep));
                return single(ps.executeQuery(), rs -> rs.getLong(1));
            }
        });
    }

    public List<QueueStats> stats() {
        return run("stats", "*", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM get_pokepedia_queue_stats()");
                 ResultSet rs = ps.executeQuery()) {
                List<QueueStats> out = new ArrayList<>();
                while (rs.next()) {
                    double age = rs.getDouble(4);
                    Duration oldest = rs.wasNull() ? null : Duration.ofNanos((long) (age * 1e9));
                    out.add(new QueueStats(rs.getString(1), rs.getLong(2), rs.getLong(3), oldest, rs.getLong(5),
                            rs.getLong(6), rs.getBoolean(7)));
                }
                return out;
            }
        });
    }

    public List<QueueThroughput> throughput(String queue, Duration window) {
        return run("throughput", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT minute, processed FROM pokepedia_queue_throughput(?, " + INTERVAL + ") ORDER BY minute")) {
                ps.setString(1, queue);
                ps.setLong(2, micros(window));
                List<QueueThroughput> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new QueueThroughput(rs.getTimestamp(1).toInstant(), rs.getLong(2)));
                    }
                }
                return out;
            }
        });
    }

    public List<ArchivedMessage> deadLetters(String queue, int limit) {
        return run("dead_letters", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT a.msg_id, a.read_ct, a.enqueued_at, a.archived_at, a.dead, a.message::text, a.headers::text, a.last_error
                      FROM pokepedia_queue_archive a
                     WHERE a.queue_id = pokepedia_queue_id(?) AND a.dead
                     ORDER BY a.msg_id DESC
                     LIMIT ?""")) {
                ps.setString(1, queue);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<ArchivedMessage> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new ArchivedMessage(rs.getLong(1), queue, rs.getInt(2), instant(rs, 3), instant(rs, 4),
                                rs.getBoolean(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                    }
                    return out;
                }
            }
        });
    }

    /** Milliseconds until the next message becomes visible (≤ 0: one is visible now); empty when the queue is empty. */
    public OptionalDouble nextVisibleInMillis(String queue) {
        return run("next_visible_in", queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pokepedia_queue_next_visible_in(?)")) {
                ps.setString(1, queue);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    double v = rs.getDouble(1);
                    return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(v);
                }
            }
        });
    }

    // --- mapping helpers ---

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static <T> T single(ResultSet rs, Row<T> row) throws SQLException {
        try (rs) {
            rs.next();
            return row.map(rs);
        }
    }

    private static List<Long> longs(ResultSet rs) throws SQLException {
        try (rs) {
            List<Long> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
            return out;
        }
    }

    private static List<Message> messages(String queue, ResultSet rs) throws SQLException {
        try (rs) {
            List<Message> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Message(rs.getLong("msg_id"), queue, rs.getInt("read_ct"), instant(rs, "enqueued_at"),
                        instant(rs, "vt"), rs.getString("message"), rs.getString("headers"), rs.getString("last_error")));
            }
            return out;
        }
    }

    private static Array bigints(Connection c, Collection<Long> ids) throws SQLException {
        return c.createArrayOf("int8", ids.toArray(new Long[0]));
    }

    private static void setNullableInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Duration age(ResultSet rs, String column) throws SQLException {
        double seconds = rs.getDouble(column);
        return rs.wasNull() ? null : Duration.ofNanos(Math.round(seconds * 1e9));
    }
}
