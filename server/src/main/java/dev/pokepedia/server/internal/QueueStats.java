package dev.pokepedia.server.internal;

import dev.pokepedia.core.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Queue numbers for the dashboard and the metrics, from {@code get_pokepedia_queue_stats()} and its throughput twin. */
public final class QueueStats {

    public record Row(String queue, long depth, long visible, Double oldestAgeSeconds, long processedLastHour, long deadLetters,
                      boolean paused) {}

    public record Minute(Instant minute, long processed) {}

    private static final String UNDEFINED_FUNCTION = "42883";

    private final Database db;

    public QueueStats(Database db) {
        this.db = db;
    }

    /** Every queue's numbers; empty if the queue schema has no stats function (an older database). */
    public List<Row> all() throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT queue_name, depth, visible, oldest_age_seconds, processed_last_hour, dead_letters, paused
                       FROM get_pokepedia_queue_stats() ORDER BY queue_name""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Double age = rs.getObject(4) == null ? null : rs.getDouble(4);
                out.add(new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), age, rs.getLong(5), rs.getLong(6),
                        rs.getBoolean(7)));
            }
        } catch (SQLException e) {
            if (UNDEFINED_FUNCTION.equals(e.getSQLState())) {
                return List.of();
            }
            throw e;
        }
        return out;
    }

    /** Messages finished per minute over the last hour (minutes without any are absent). */
    public List<Minute> lastHour(String queue) throws SQLException {
        List<Minute> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT minute, processed FROM pokepedia_queue_throughput(?, interval '1 hour') ORDER BY minute")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Minute(rs.getTimestamp(1).toInstant(), rs.getLong(2)));
                }
            }
        } catch (SQLException e) {
            if (UNDEFINED_FUNCTION.equals(e.getSQLState())) {
                return List.of();
            }
            throw e;
        }
        return out;
    }
}
