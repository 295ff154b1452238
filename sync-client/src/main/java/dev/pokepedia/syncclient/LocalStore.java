package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.syncclient.SyncClientException.ErrorCode;
import dev.pokepedia.syncclient.internal.Db;
import dev.pokepedia.syncclient.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The local store: one SQLite file (WAL) holding the app's entities as JSON, the outbox of changes to push, open
 * conflicts, client logs and sync metadata. Every change and its outbox operation commit in one transaction, so a
 * crash can neither lose an operation nor invent one.
 *
 * <p>Thread-safe: calls are serialised on one connection.
 */
public final class LocalStore implements AutoCloseable {

    /** Schema version written to {@code PRAGMA user_version}. */
    public static final int SCHEMA_VERSION = 1;
    // why: application_id tells "an empty new file" from "some other app's SQLite database"
    static final int APPLICATION_ID = 0x504B5343; // "PKSC"

    private static final String[] SCHEMA = {
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE entities (type TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL, checksum TEXT NOT NULL,"
            + " version INTEGER NOT NULL DEFAULT 0, hlc TEXT NOT NULL, base_payload TEXT, updated_at INTEGER NOT NULL,"
            + " PRIMARY KEY (type, id)) WITHOUT ROWID",
        "CREATE TABLE outbox (op_id INTEGER PRIMARY KEY, type TEXT NOT NULL, entity_id TEXT NOT NULL,"
            + " kind TEXT NOT NULL CHECK (kind IN ('upsert','delete')), payload TEXT, base_version INTEGER NOT NULL,"
            + " hlc TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('pending','syncing','completed','failed')),"
            + " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,"
            + " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
        "CREATE INDEX outbox_ready ON outbox (status, next_attempt_at, op_id)",
        "CREATE INDEX outbox_type_ready ON outbox (status, type, op_id)",
        "CREATE INDEX outbox_entity ON outbox (type, entity_id, op_id)",
        "CREATE TABLE conflicts (type TEXT NOT NULL, entity_id TEXT NOT NULL, local_payload TEXT, local_deleted INTEGER NOT NULL,"
            + " local_hlc TEXT NOT NULL, server_version INTEGER NOT NULL, server_deleted INTEGER NOT NULL, server_payload TEXT,"
            + " server_hlc TEXT, detected_at INTEGER NOT NULL, PRIMARY KEY (type, entity_id)) WITHOUT ROWID",
        "CREATE TABLE client_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, level TEXT NOT NULL,"
            + " context TEXT NOT NULL, message TEXT NOT NULL, provider TEXT, action TEXT, credits REAL, metadata TEXT)"
    };

    private final Db db;
    private final EntityRegistry registry;
    private final StoreOptions options;
    private final String clientId;
    private final Hlc hlc;
    private final Outbox outbox;
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    private LocalStore(Db db, EntityRegistry registry, StoreOptions options, String clientId, Hlc hlc) {
        this.db = db;
        this.registry = registry;
        this.options = options;
        this.clientId = clientId;
        this.hlc = hlc;
        this.outbox = new Outbox(this);
    }

    public static LocalStore open(Path file, EntityRegistry registry) {
        return open(file, registry, StoreOptions.defaults());
    }

    /**
     * Opens the store file, creating it when missing. Operations a crash left {@code syncing} go back to pending.
     *
     * @throws SyncClientException STORE_CORRUPT for a file that is not a store of this library or is damaged,
     *                             STORE_TOO_NEW for a store written by a newer schema, STORE_LOCKED when locked
     */
    public static LocalStore open(Path file, EntityRegistry registry, StoreOptions options) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SyncClientException(ErrorCode.IO, "cannot create the folder of store " + file + ": " + e.getMessage(),
                    "check the path and its permissions", e);
        }
        Db db = Db.open(file, options.lockTimeout());
        try {
            String[] ids = db.tx("opening the store", c -> {
                migrate(c, file);
                String id = meta(c, "client_id");
                if (id == null) {
                    id = UUID.randomUUID().toString();
                    setMeta(c, "client_id", id);
                    setMeta(c, "next_op_id", "1");
                }
                // why: the process that marked these died before the answer; the server's op-id idempotency makes
                // sending them again safe
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE outbox SET status = 'pending' WHERE status = 'syncing'");
                }
                return new String[] {id, meta(c, "hlc")};
            });
            Hlc clock = Hlc.fromState(options.clock(), ids[0], options.maxDrift().toMillis(), ids[1]);
            return new LocalStore(db, registry, options, ids[0], clock);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static void migrate(Connection c, Path file) throws SQLException {
        int version;
        int appId;
        boolean hasTables;
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.getInt(1);
            }
            try (ResultSet rs = s.executeQuery("PRAGMA application_id")) {
                appId = rs.getInt(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
                hasTables = rs.getInt(1) > 0;
            }
        }
        if (version == 0 && !hasTables && appId == 0) {
            try (Statement s = c.createStatement()) {
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
                s.execute("PRAGMA application_id = " + APPLICATION_ID);
                s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            }
            return;
        }
        if (appId != APPLICATION_ID) {
            throw new SyncClientException(ErrorCode.STORE_CORRUPT, "store " + file
                    + " is an SQLite database of another application (application_id " + appId + ")",
                    "give the path of a pokepedia client store, or a new file name");
        }
        if (version > SCHEMA_VERSION) {
            throw new SyncClientException(ErrorCode.STORE_TOO_NEW, "store " + file + " has schema version " + version
                    + ", newer than this library's " + SCHEMA_VERSION, "upgrade the app (the pokepedia-sync-client library)");
        }
        if (version < 1) {
            throw new SyncClientException(ErrorCode.STORE_CORRUPT, "store " + file + " has schema version " + version,
                    "restore it from a backup or move it away to start empty");
        }
    }

    // ---------------------------------------------------------------- public API: entities

    public String clientId() {
        return clientId;
    }

    public EntityRegistry registry() {
        return registry;
    }

    public Path file() {
        return db.file();
    }

    public Outbox outbox() {
        return outbox;
    }

    public Hlc hlc() {
        return hlc;
    }

    /** Saves (creates or replaces) an entity and queues its upsert, in one transaction. */
    public Entity save(String type, ObjectNode payload) {
        return bulkSave(type, List.of(payload)).get(0);
    }

    /** Saves several entities of one type in one transaction: all or nothing. */
    public List<Entity> bulkSave(String type, List<ObjectNode> payloads) {
        List<Write> writes = new ArrayList<>();
        for (ObjectNode p : payloads) {
            writes.add(new Write(type, p));
        }
        return bulkSave(writes);
    }

    /** One entity to write in {@link #bulkSave(List)}. */
    public record Write(String type, ObjectNode payload) {
    }

    /** Saves entities of any types in one transaction: all or nothing. */
    public List<Entity> bulkSave(List<Write> writes) {
        List<Prepared> prepared = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            EntityType t = registry.require(w.type());
            String id = idOf(t, w.payload(), writes.size() == 1 ? "" : " (item " + i + ")");
            prepared.add(new Prepared(t.name(), id, Json.canonical(w.payload())));
        }
        List<Entity> out = db.tx("saving " + writes.size() + " entities", c -> {
            List<Entity> saved = new ArrayList<>();
            for (Prepared p : prepared) {
                long version = versionOf(c, p.type(), p.id()).orElse(0L);
                String stamp = hlc.now().toString();
                upsertRow(c, p.type(), p.id(), p.text(), version, stamp, null, false);
                outbox.enqueue(c, p.type(), p.id(), OpKind.UPSERT, p.text(), version, stamp);
                saved.add(new Entity(p.type(), p.id(), (ObjectNode) Json.read(p.text()), version));
            }
            persistHlc(c);
            return saved;
        });
        fireChange();
        return out;
    }

    private record Prepared(String type, String id, String text) {
    }

    /** Deletes an entity and queues its delete; false when it did not exist. */
    public boolean delete(String type, String id) {
        EntityType t = registry.require(type);
        boolean deleted = db.tx("deleting " + type + "/" + id, c -> {
            Optional<Long> version = versionOf(c, t.name(), id);
            if (version.isEmpty()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM entities WHERE type = ? AND id = ?")) {
                ps.setString(1, t.name());
                ps.setString(2, id);
                ps.executeUpdate();
            }
            String stamp = hlc.now().toString();
            outbox.enqueue(c, t.name(), id, OpKind.DELETE, null, version.get(), stamp);
            persistHlc(c);
            return true;
        });
        if (deleted) {
            fireChange();
        }
        return deleted;
    }

    public Optional<Entity> get(String type, String id) {
        registry.require(type);
        return db.read("reading " + type + "/" + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT payload, version FROM entities WHERE type = ? AND id = ?")) {
                ps.setString(1, type);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Entity(type, id, (ObjectNode) Json.read(rs.getString(1)), rs.getLong(2)));
                }
            }
        });
    }

    /** Entities of one type whose payload fields equal the given values, ordered and paged. */
    public List<Entity> query(Query q) {
        registry.require(q.type());
        StringBuilder sql = new StringBuilder("SELECT id, payload, version FROM entities WHERE type = ?");
        List<Object> args = new ArrayList<>();
        args.add(q.type());
        for (Map.Entry<String, Object> e : q.where().entrySet()) {
            sql.append(" AND json_extract(payload, ?) = ?");
            args.add(path(e.getKey()));
            Object v = e.getValue();
            args.add(v instanceof Boolean b ? (b ? 1 : 0) : v);
        }
        if (q.orderBy().isPresent()) {
            sql.append(" ORDER BY json_extract(payload, ?) ").append(q.descending() ? "DESC" : "ASC").append(", id");
            args.add(path(q.orderBy().get()));
        } else {
            sql.append(" ORDER BY id ").append(q.descending() ? "DESC" : "ASC");
        }
        sql.append(" LIMIT ? OFFSET ?");
        args.add(q.limit());
        args.add(q.offset());
        return db.read("querying " + q.type(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<Entity> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entity(q.type(), rs.getString(1), (ObjectNode) Json.read(rs.getString(2)), rs.getLong(3)));
                    }
                }
                return out;
            }
        });
    }

    private static String path(String field) {
        if (!field.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw SyncClientException.badInput("query field '" + field + "' must be a plain field name (letters, digits, _)");
        }
        return "$.\"" + field + "\"";
    }

    /** SQLite's integrity check, every row's checksum, and outbox upserts whose entity is missing. */
    public IntegrityReport verifyIntegrity() {
        return db.read("verifying integrity", c -> {
            List<String> issues = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (!"ok".equals(line)) {
                        issues.add("sqlite integrity_check: " + line);
                    }
                }
            }
            int checked = 0;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT type, id, payload, checksum FROM entities ORDER BY type, id")) {
                while (rs.next()) {
                    checked++;
                    if (!Json.sha256(rs.getString(3)).equals(rs.getString(4))) {
                        issues.add("checksum mismatch: " + rs.getString(1) + "/" + rs.getString(2)
                                + " (payload changed outside the library or damaged)");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT o.op_id, o.type, o.entity_id FROM outbox o"
                    + " LEFT JOIN entities e ON e.type = o.type AND e.id = o.entity_id"
                    + " WHERE o.kind = 'upsert' AND o.status <> 'completed' AND o.type <> ? AND e.id IS NULL")) {
                ps.setString(1, EntityRegistry.USAGE_LOGS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        issues.add("outbox op " + rs.getLong(1) + " upserts " + rs.getString(2) + "/" + rs.getString(3)
                                + ", which is not in the store");
                    }
                }
            }
            return new IntegrityReport(issues.isEmpty(), List.copyOf(issues), checked);
        });
    }

    public StoreStats stats() {
        return db.read("reading stats", c -> {
            Map<String, Long> rows = new LinkedHashMap<>();
            for (EntityType t : registry.types()) {
                rows.put(t.name(), 0L);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT type, count(*) FROM entities GROUP BY type")) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getLong(2));
                }
            }
            Map<OpStatus, Long> byStatus = new EnumMap<>(OpStatus.class);
            for (OpStatus st : OpStatus.values()) {
                byStatus.put(st, 0L);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT status, count(*) FROM outbox GROUP BY status")) {
                while (rs.next()) {
                    byStatus.put(OpStatus.fromDb(rs.getString(1)), rs.getLong(2));
                }
            }
            long conflicts;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM conflicts")) {
                conflicts = rs.getLong(1);
            }
            String last = meta(c, "last_sync_at");
            long bytes = size(db.file()) + size(Path.of(db.file() + "-wal"));
            return new StoreStats(rows, bytes, byStatus, conflicts,
                    last == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(last))));
        });
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Open manual conflicts, oldest first. */
    public List<Conflict> conflicts() {
        return db.read("listing conflicts", c -> {
            List<Conflict> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT type, entity_id, local_payload, local_deleted,"
                    + " server_version, server_deleted, server_payload, detected_at FROM conflicts ORDER BY detected_at, type, entity_id")) {
                while (rs.next()) {
                    out.add(new Conflict(rs.getString(1), rs.getString(2), obj(rs.getString(3)), rs.getInt(4) != 0,
                            rs.getLong(5), rs.getInt(6) != 0, obj(rs.getString(7)), Instant.ofEpochMilli(rs.getLong(8))));
                }
            }
            return out;
        });
    }

    /** Registers a callback run after every local change (the engine's debounce hook). */
    public Runnable onLocalChange(Runnable listener) {
        changeListeners.add(listener);
        return () -> changeListeners.remove(listener);
    }

    void fireChange() {
        for (Runnable r : changeListeners) {
            r.run();
        }
    }

    @Override
    public void close() {
        db.close();
    }

    // ---------------------------------------------------------------- package API for the engine, backups, logs

    Db db() {
        return db;
    }

    StoreOptions options() {
        return options;
    }

    String metaValue(String key) {
        return db.read("reading " + key, c -> meta(c, key));
    }

    void setMetaValue(String key, String value) {
        db.tx("writing " + key, c -> {
            setMeta(c, key, value);
            return null;
        });
    }

    void setMetaValueRelaxed(String key, String value) {
        db.txRelaxed("writing " + key, c -> {
            setMeta(c, key, value);
            return null;
        });
    }

    void persistHlc(Connection c) throws SQLException {
        setMeta(c, "hlc", hlc.state());
    }

    /** The server applied this op: see {@link #ackApplied(Connection, List)}. */
    void ackApplied(Connection c, OutboxOp op, long newVersion) throws SQLException {
        ackApplied(c, List.of(new Ack(op, newVersion)));
    }

    /** One applied op and the version the server gave it. */
    record Ack(OutboxOp op, long version) {
    }

    /**
     * The server applied these ops: completed; each upserted entity's version and merge base advanced (unless a pull
     * already moved it further); later never-sent ops on the same entity rebased on the new version (they were based
     * on the same old one). Three statements batched for the lot.
     */
    void ackApplied(Connection c, List<Ack> acks) throws SQLException {
        if (acks.isEmpty()) {
            return;
        }
        long now = options.clock().millis();
        try (PreparedStatement done = c.prepareStatement("UPDATE outbox SET status = 'completed', last_error = NULL, updated_at = ? WHERE op_id = ?");
             PreparedStatement ent = c.prepareStatement("UPDATE entities SET version = ?, base_payload = (SELECT payload FROM outbox WHERE op_id = ?)"
                     + " WHERE type = ? AND id = ? AND version <= ?");
             PreparedStatement rebase = c.prepareStatement("UPDATE outbox SET base_version = ? WHERE type = ? AND entity_id = ?"
                     + " AND op_id > ? AND status = 'pending' AND attempts = 0 AND base_version = ?")) {
            for (Ack a : acks) {
                OutboxOp op = a.op();
                done.setLong(1, now);
                done.setLong(2, op.opId());
                done.addBatch();
                if (op.kind() == OpKind.UPSERT && !EntityRegistry.USAGE_LOGS.equals(op.type())) {
                    ent.setLong(1, a.version());
                    ent.setLong(2, op.opId());
                    ent.setString(3, op.type());
                    ent.setString(4, op.entityId());
                    ent.setLong(5, a.version());
                    ent.addBatch();
                }
                rebase.setLong(1, a.version());
                rebase.setString(2, op.type());
                rebase.setString(3, op.entityId());
                rebase.setLong(4, op.opId());
                rebase.setLong(5, op.baseVersion());
                rebase.addBatch();
            }
            done.executeBatch();
            ent.executeBatch();
            rebase.executeBatch();
        }
    }

    /** Takes the server's row as the local state: entity replaced or removed, its open ops and conflict dropped. */
    void applyServerRow(Connection c, ServerRow row) throws SQLException {
        if (row.deleted() || row.payload().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM entities WHERE type = ? AND id = ?")) {
                ps.setString(1, row.type());
                ps.setString(2, row.id());
                ps.executeUpdate();
            }
        } else {
            String text = Json.canonical(row.payload().get());
            upsertRow(c, row.type(), row.id(), text, row.version(), row.hlc() == null ? "" : row.hlc(), text, true);
        }
        dropOpenOps(c, row.type(), row.id());
        deleteConflict(c, row.type(), row.id());
    }

    void dropOpenOps(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM outbox WHERE type = ? AND entity_id = ? AND status IN ('pending','syncing','failed')")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    void deleteConflict(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM conflicts WHERE type = ? AND entity_id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    /**
     * Keeps a local change over the server's row: the entity gets {@code payload} (null = deleted), its open ops are
     * replaced by one new op (a new op id: the old one was answered) based on the server's version.
     */
    void rebaseOnServer(Connection c, String type, String id, ObjectNode payload, ServerRow server, String stamp) throws SQLException {
        dropOpenOps(c, type, id);
        deleteConflict(c, type, id);
        String base = server.deleted() || server.payload().isEmpty() ? null : Json.canonical(server.payload().get());
        if (payload == null) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM entities WHERE type = ? AND id = ?")) {
                ps.setString(1, type);
                ps.setString(2, id);
                ps.executeUpdate();
            }
            if (!server.deleted()) {
                outbox.insert(c, type, id, OpKind.DELETE, null, server.version(), stamp);
            }
            return;
        }
        String text = Json.canonical(payload);
        upsertRow(c, type, id, text, server.version(), stamp, base, true);
        outbox.insert(c, type, id, OpKind.UPSERT, text, server.version(), stamp);
    }

    /** Records a manual conflict (local side from the op), removes the op from the queue; the local row stays. */
    void openConflict(Connection c, OutboxOp op, ServerRow server) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO conflicts (type, entity_id, local_payload, local_deleted,"
                + " local_hlc, server_version, server_deleted, server_payload, server_hlc, detected_at) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, op.type());
            ps.setString(2, op.entityId());
            ps.setString(3, op.payload().map(Json::canonical).orElse(null));
            ps.setInt(4, op.kind() == OpKind.DELETE ? 1 : 0);
            ps.setString(5, op.hlc());
            ps.setLong(6, server.version());
            ps.setInt(7, server.deleted() ? 1 : 0);
            ps.setString(8, server.payload().map(Json::canonical).orElse(null));
            ps.setString(9, server.hlc());
            ps.setLong(10, options.clock().millis());
            ps.executeUpdate();
        }
        dropOpenOps(c, op.type(), op.entityId());
    }

    Optional<Conflict> conflict(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT local_payload, local_deleted, server_version, server_deleted,"
                + " server_payload, detected_at, server_hlc FROM conflicts WHERE type = ? AND entity_id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Conflict(type, id, obj(rs.getString(1)), rs.getInt(2) != 0, rs.getLong(3), rs.getInt(4) != 0,
                        obj(rs.getString(5)), Instant.ofEpochMilli(rs.getLong(6))));
            }
        }
    }

    /** The last synced payload of an entity (the merge base), if any. */
    Optional<ObjectNode> basePayload(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT base_payload FROM entities WHERE type = ? AND id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? obj(rs.getString(1)) : Optional.empty();
            }
        }
    }

    Optional<Long> versionOf(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM entities WHERE type = ? AND id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    void upsertRow(Connection c, String type, String id, String text, long version, String stamp, String base, boolean setBase)
            throws SQLException {
        String sql = setBase
                ? "INSERT INTO entities (type, id, payload, checksum, version, hlc, base_payload, updated_at) VALUES (?,?,?,?,?,?,?,?)"
                  + " ON CONFLICT (type, id) DO UPDATE SET payload = excluded.payload, checksum = excluded.checksum,"
                  + " version = excluded.version, hlc = excluded.hlc, base_payload = excluded.base_payload, updated_at = excluded.updated_at"
                : "INSERT INTO entities (type, id, payload, checksum, version, hlc, base_payload, updated_at) VALUES (?,?,?,?,?,?,?,?)"
                  + " ON CONFLICT (type, id) DO UPDATE SET payload = excluded.payload, checksum = excluded.checksum,"
                  + " version = excluded.version, hlc = excluded.hlc, updated_at = excluded.updated_at";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.setString(3, text);
            ps.setString(4, Json.sha256(text));
            ps.setLong(5, version);
            ps.setString(6, stamp);
            if (base == null) {
                ps.setNull(7, Types.VARCHAR);
            } else {
                ps.setString(7, base);
            }
            ps.setLong(8, options.clock().millis());
            ps.executeUpdate();
        }
    }

    String idOf(EntityType t, JsonNode payload, String where) {
        if (payload == null) {
            throw SyncClientException.badInput(t.name() + " payload" + where + " is missing");
        }
        JsonNode id = payload.get(t.idField());
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw SyncClientException.badInput(t.name() + " payload" + where + " needs a non-empty string '" + t.idField() + "' field");
        }
        return id.asText();
    }

    static Optional<ObjectNode> obj(String text) {
        return text == null ? Optional.empty() : Optional.of((ObjectNode) Json.read(text));
    }

    static String meta(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void setMeta(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }
}
