package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.syncclient.internal.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The outbox of a {@link LocalStore}: operations written in the same transaction as their change, pushed in batches.
 *
 * <p>Coalescing (only into an operation never handed to a push, so an op id the server may have seen is never
 * reused with another payload): upsert + upsert → the last upsert; upsert + delete → delete; a create followed by a
 * delete before any push → nothing.
 */
public final class Outbox {

    private static final String COLUMNS = "op_id, type, entity_id, kind, payload, base_version, hlc, status, attempts,"
            + " next_attempt_at, last_error";

    private final LocalStore store;

    Outbox(LocalStore store) {
        this.store = store;
    }

    private long now() {
        return store.options().clock().millis();
    }

    // ---------------------------------------------------------------- writing (inside the change's transaction)

    void enqueue(Connection c, String type, String id, OpKind kind, String payload, long baseVersion, String stamp) throws SQLException {
        Long lastOpId = null;
        OpKind lastKind = null;
        long lastBase = 0;
        int open = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT op_id, kind, base_version, status, attempts FROM outbox"
                + " WHERE type = ? AND entity_id = ? AND status IN ('pending','syncing','failed') ORDER BY op_id")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open++;
                    boolean coalescible = "pending".equals(rs.getString(4)) && rs.getInt(5) == 0;
                    lastOpId = coalescible ? rs.getLong(1) : null;
                    lastKind = coalescible ? OpKind.fromWire(rs.getString(2)) : null;
                    lastBase = rs.getLong(3);
                }
            }
        }
        if (lastOpId != null) {
            if (kind == OpKind.DELETE && lastKind == OpKind.UPSERT && lastBase == 0 && open == 1) {
                // why: created and deleted before the server ever saw it: nothing to tell the server
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE op_id = ?")) {
                    ps.setLong(1, lastOpId);
                    ps.executeUpdate();
                }
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbox SET kind = ?, payload = ?, hlc = ?, updated_at = ?, next_attempt_at = ? WHERE op_id = ?")) {
                ps.setString(1, kind.wire());
                setText(ps, 2, payload);
                ps.setString(3, stamp);
                ps.setLong(4, now());
                ps.setLong(5, now());
                ps.setLong(6, lastOpId);
                ps.executeUpdate();
            }
            return;
        }
        insert(c, type, id, kind, payload, baseVersion, stamp);
    }

    /** Inserts a new operation with the next op id of this install. */
    long insert(Connection c, String type, String id, OpKind kind, String payload, long baseVersion, String stamp) throws SQLException {
        long opId = Long.parseLong(LocalStore.meta(c, "next_op_id"));
        LocalStore.setMeta(c, "next_op_id", Long.toString(opId + 1));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (op_id, type, entity_id, kind, payload, base_version, hlc,"
                + " status, attempts, next_attempt_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?, 'pending', 0, ?, ?, ?)")) {
            long now = now();
            ps.setLong(1, opId);
            ps.setString(2, type);
            ps.setString(3, id);
            ps.setString(4, kind.wire());
            setText(ps, 5, payload);
            ps.setLong(6, baseVersion);
            ps.setString(7, stamp);
            ps.setLong(8, now);
            ps.setLong(9, now);
            ps.setLong(10, now);
            ps.executeUpdate();
        }
        return opId;
    }

    private static void setText(PreparedStatement ps, int i, String text) throws SQLException {
        if (text == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, text);
        }
    }

    // ---------------------------------------------------------------- the batch API

    /**
     * Pending operations whose retry time has come, grouped by entity type in push order (parents first), each group
     * in commit order and at most {@code maxPerType} long. An entity appears at most once: a later operation on it
     * waits until the earlier one is answered (its base version depends on that answer).
     */
    public Map<String, List<OutboxOp>> pendingBatched(int maxPerType) {
        Map<String, List<OutboxOp>> grouped = new LinkedHashMap<>();
        pendingForPush(maxPerType, true).forEach((type, raws) -> grouped.put(type, raws.stream().map(Raw::op).toList()));
        return grouped;
    }

    /** An operation as the push reads it: the payload kept as the stored text (not parsed, sent as is). */
    record Raw(OutboxOp op, String payloadText) {
    }

    /** {@link #pendingBatched} for the engine: payloads as stored text, parsed only when {@code parse}. */
    Map<String, List<Raw>> pendingForPush(int maxPerType, boolean parse) {
        if (maxPerType < 1) {
            throw SyncClientException.badInput("maxPerType " + maxPerType + " must be >= 1");
        }
        List<Raw> ready = store.db().read("reading pending operations", c -> {
            // why one query per type: each walks the (status, type, op_id) index and stops after maxPerType matches,
            // instead of ranking the whole backlog every round
            List<Raw> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox o INDEXED BY outbox_type_ready WHERE status = 'pending' AND type = ?"
                    + " AND next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.type = o.type"
                    + " AND p.entity_id = o.entity_id AND p.op_id < o.op_id AND p.status IN ('pending','syncing'))"
                    + " ORDER BY op_id LIMIT ?")) {
                for (EntityType t : store.registry().types()) {
                    ps.setString(1, t.name());
                    ps.setLong(2, now());
                    ps.setInt(3, maxPerType);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Raw(read(rs, parse), rs.getString(5)));
                        }
                    }
                }
            }
            return out;
        });
        Map<String, List<Raw>> grouped = new LinkedHashMap<>();
        ready.stream().sorted(Comparator.comparingInt((Raw o) -> store.registry().order(o.op().type())).thenComparingLong(o -> o.op().opId()))
                .forEach(o -> grouped.computeIfAbsent(o.op().type(), k -> new ArrayList<>()).add(o));
        return grouped;
    }

    /** Marks operations as handed to a push, atomically. */
    public void markSyncing(Collection<Long> ids) {
        update("marking operations syncing", ids, "UPDATE outbox SET status = 'syncing', updated_at = ? WHERE op_id = ? AND status = 'pending'");
    }

    /** Marks operations as applied by the server, atomically. */
    public void markCompleted(Collection<Long> ids) {
        update("marking operations completed", ids, "UPDATE outbox SET status = 'completed', last_error = NULL, updated_at = ? WHERE op_id = ?");
    }

    /** Counts a failed attempt for each operation, atomically: retried with backoff, failed after the default retries. */
    public void markFailed(Collection<Long> ids, String error) {
        markFailed(ids, error, RetryPolicy.DEFAULT, ThreadLocalRandom.current(), false);
    }

    /**
     * Counts a failed attempt. A transient error (network, 5xx) never exhausts the retries; a refusal does after
     * {@code policy.maxRetries()}.
     */
    void markFailed(Collection<Long> ids, String error, RetryPolicy policy, RandomGenerator random, boolean transient_) {
        if (ids.isEmpty()) {
            return;
        }
        store.db().txRelaxed("marking operations failed", c -> {
            for (long id : ids) {
                int attempts;
                try (PreparedStatement ps = c.prepareStatement("SELECT attempts FROM outbox WHERE op_id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        attempts = rs.getInt(1) + 1;
                    }
                }
                boolean exhausted = !transient_ && attempts >= policy.maxRetries();
                try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?,"
                        + " last_error = ?, updated_at = ? WHERE op_id = ?")) {
                    ps.setString(1, exhausted ? "failed" : "pending");
                    ps.setInt(2, attempts);
                    ps.setLong(3, now() + policy.delayMs(attempts, random));
                    ps.setString(4, error == null ? "" : error);
                    ps.setLong(5, now());
                    ps.setLong(6, id);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Puts operations back to pending without counting an attempt (e.g. the token was refused; nothing was tried). */
    void release(Collection<Long> ids, String error) {
        if (ids.isEmpty()) {
            return;
        }
        store.db().txRelaxed("releasing operations", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbox SET status = 'pending', updated_at = ?, last_error = ? WHERE op_id = ? AND status = 'syncing'")) {
                for (long id : ids) {
                    ps.setLong(1, now());
                    ps.setString(2, error == null ? "" : error);
                    ps.setLong(3, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Queues every failed operation again, attempts reset. Returns how many. */
    public int retryFailed() {
        int n = store.db().tx("retrying failed operations", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?"
                    + " WHERE status = 'failed'")) {
                ps.setLong(1, now());
                return ps.executeUpdate();
            }
        });
        if (n > 0) {
            store.fireChange();
        }
        return n;
    }

    /** Removes completed operations older than the cutoff (they are only history). */
    public int pruneCompleted(Instant before) {
        return store.db().tx("pruning completed operations", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE status = 'completed' AND updated_at < ?")) {
                ps.setLong(1, before.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    private void update(String what, Collection<Long> ids, String sql) {
        if (ids.isEmpty()) {
            return;
        }
        // why relaxed: status bookkeeping; see Db#txRelaxed
        store.db().txRelaxed(what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (long id : ids) {
                    ps.setLong(1, now());
                    ps.setLong(2, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- reading

    /** Every operation of these statuses (all when none given), in op id order. */
    public List<OutboxOp> list(OpStatus... statuses) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM outbox");
        if (statuses.length > 0) {
            sql.append(" WHERE status IN (");
            for (int i = 0; i < statuses.length; i++) {
                sql.append(i == 0 ? "'" : ",'").append(statuses[i].db()).append("'");
            }
            sql.append(")");
        }
        sql.append(" ORDER BY op_id");
        return store.db().read("listing operations", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                return list(ps);
            }
        });
    }

    public long count(OpStatus status) {
        return store.db().read("counting operations", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM outbox WHERE status = ?")) {
                ps.setString(1, status.db());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.getLong(1);
                }
            }
        });
    }

    /** When the earliest pending operation may be tried. */
    public Optional<Instant> nextAttemptAt() {
        return store.db().read("reading the next attempt time", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending'")) {
                try (ResultSet rs = ps.executeQuery()) {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(v));
                }
            }
        });
    }

    static OutboxOp read(ResultSet rs) throws SQLException {
        return read(rs, true);
    }

    static OutboxOp read(ResultSet rs, boolean parse) throws SQLException {
        String payload = rs.getString(5);
        return new OutboxOp(rs.getLong(1), rs.getString(2), rs.getString(3), OpKind.fromWire(rs.getString(4)),
                payload == null || !parse ? Optional.empty() : Optional.of((ObjectNode) Json.read(payload)), rs.getLong(6), rs.getString(7),
                OpStatus.fromDb(rs.getString(8)), rs.getInt(9), Instant.ofEpochMilli(rs.getLong(10)), Optional.ofNullable(rs.getString(11)));
    }

    private static List<OutboxOp> list(PreparedStatement ps) throws SQLException {
        List<OutboxOp> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    /** The open (pending, syncing or failed) operations on one entity, oldest first. */
    static List<OutboxOp> openOps(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox WHERE type = ? AND entity_id = ?"
                + " AND status IN ('pending','syncing','failed') ORDER BY op_id")) {
            ps.setString(1, type);
            ps.setString(2, id);
            return list(ps);
        }
    }

    static Optional<OutboxOp> byId(Connection c, long opId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox WHERE op_id = ?")) {
            ps.setLong(1, opId);
            List<OutboxOp> l = list(ps);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        }
    }
}
