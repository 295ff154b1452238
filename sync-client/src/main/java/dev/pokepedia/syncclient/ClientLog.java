package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.syncclient.internal.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's warn/error events and API-call records: kept in the store (the last {@value #KEEP}) and shipped to the
 * server's {@code usage_logs} as upserts through the same outbox, so they survive being offline and are sent once.
 */
public final class ClientLog {

    public static final int KEEP = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ClientLog.class);

    /** One kept record. */
    public record Record(long id, Instant at, String level, String context, String message, Optional<String> provider,
                         Optional<String> action, double credits) {
    }

    private final LocalStore store;

    public ClientLog(LocalStore store) {
        this.store = store;
    }

    public void warn(String context, String message) {
        LOG.warn("{}: {}", context, message);
        record("warn", context, message, null, null, 0, Map.of());
    }

    public void error(String context, String message, Throwable error) {
        LOG.error("{}: {}", context, message, error);
        record("error", context, error == null ? message : message + ": " + error, null, null, 0, Map.of());
    }

    /** An API call an app made (e.g. provider "gemini", action "generate", credits consumed, free-form metadata). */
    public void logApiCall(String provider, String action, double credits, Map<String, ?> metadata) {
        record("info", "api", provider + " " + action, provider, action, credits, metadata);
    }

    private void record(String level, String context, String message, String provider, String action, double credits, Map<String, ?> metadata) {
        long now = store.options().clock().millis();
        String meta = Json.write(metadata);
        store.db().tx("recording a client log", c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_logs (at, level, context, message, provider, action, credits, metadata)"
                    + " VALUES (?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, now);
                ps.setString(2, level);
                ps.setString(3, context);
                ps.setString(4, message);
                ps.setString(5, provider);
                ps.setString(6, action);
                ps.setDouble(7, credits);
                ps.setString(8, meta);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_logs WHERE id <= ?")) {
                ps.setLong(1, id - KEEP);
                ps.executeUpdate();
            }
            ObjectNode p = Json.MAPPER.createObjectNode();
            String entityId = store.clientId() + "-" + id;
            p.put("id", entityId);
            p.put("level", level);
            p.put("context", context);
            p.put("message", message);
            p.put("provider", provider);
            p.put("action", action);
            p.put("credits_consumed", credits);
            p.set("metadata", Json.read(meta));
            p.put("created_at", Instant.ofEpochMilli(now).toString());
            String stamp = store.hlc().now().toString();
            store.outbox().insert(c, EntityRegistry.USAGE_LOGS, entityId, OpKind.UPSERT, Json.canonical(p), 0, stamp);
            store.persistHlc(c);
            return null;
        });
        store.fireChange();
    }

    /** The newest kept records, newest first. */
    public List<Record> recent(int limit) {
        return store.db().read("reading client logs", c -> {
            List<Record> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, at, level, context, message, provider, action, credits"
                    + " FROM client_logs ORDER BY id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Record(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                                rs.getString(5), Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), rs.getDouble(8)));
                    }
                }
            }
            return out;
        });
    }
}
