package dev.pokepedia.corpus.internal;

import dev.pokepedia.core.PlannerStatistics;
import dev.pokepedia.corpus.DocumentId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes to {@code pokeapi_resources} in set-based batches on one connection: brand-new documents are COPYed straight
 * into the table, changed ones COPYed into a temp staging table and merged with one UPDATE. Each batch commits with
 * its projection-pending rows, so a batch is wholly stored or not at all.
 */
public final class CanonicalStore implements AutoCloseable {

    /** What is stored for a document now. */
    public record Stored(String sha256, boolean deleted) {}

    private static final String COLUMNS = "(resource_type, resource_key, name, data, sha256, source)";

    private final Connection conn;
    private boolean stagingReady;
    private boolean locked;
    private PgBinaryCopy.Streaming insertCopy; // an insert COPY open while a batch fills, or null
    private final List<DocumentId> streamed = new java.util.ArrayList<>(); // its rows, for the pending projections

    public CanonicalStore(Connection conn) throws SQLException {
        this.conn = conn;
        this.conn.setAutoCommit(false);
    }

    /** Takes this database's import lock for the session (released by {@link #close}), or false if another import holds it. */
    public boolean tryLock() throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(hashtext('pokepedia:import'))")) {
            rs.next();
            locked = rs.getBoolean(1);
            conn.commit();
            return locked;
        }
    }

    public Map<DocumentId, Stored> loadIndex() throws SQLException {
        return loadById("SELECT resource_type, resource_key, sha256, deleted_at IS NOT NULL FROM pokeapi_resources",
                rs -> new Stored(rs.getString(3), rs.getBoolean(4)));
    }

    private interface RowValue<V> {
        V of(ResultSet rs) throws SQLException;
    }

    /** Every row of {@code sql} (type and key first) by its document id. */
    private <V> Map<DocumentId, V> loadById(String sql, RowValue<V> value) throws SQLException {
        Map<DocumentId, V> index = new HashMap<>(32_768);
        try (Statement st = conn.createStatement()) {
            st.setFetchSize(10_000);
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    index.put(new DocumentId(rs.getString(1), rs.getString(2)), value.of(rs));
                }
            }
        }
        conn.commit();
        return index;
    }

    /** The source bytes' hash a document was last imported from, and the canonical hash they gave. */
    public record SourceHash(String sourceSha256, String sha256) {}

    public Map<DocumentId, SourceHash> loadSourceHashes() throws SQLException {
        return loadById("SELECT resource_type, resource_key, source_sha256, sha256 FROM pokepedia_source_hashes",
                rs -> new SourceHash(rs.getString(3), rs.getString(4)));
    }

    /**
     * Remembers source hashes in this connection's open transaction: committed with the next {@link #writeBatch} or
     * {@link #commit}, so a hash is never stored without the document it describes.
     */
    public void saveSourceHashes(Map<DocumentId, SourceHash> hashes) throws SQLException {
        if (hashes.isEmpty()) {
            return;
        }
        endStreamedInserts(); // (no other statement while a COPY is open)
        List<DocumentId> ids = List.copyOf(hashes.keySet());
        try (PreparedStatement ps = conn.prepareStatement("""
                INSERT INTO pokepedia_source_hashes AS h (resource_type, resource_key, source_sha256, sha256)
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])
                ON CONFLICT (resource_type, resource_key) DO UPDATE
                   SET source_sha256 = excluded.source_sha256, sha256 = excluded.sha256""")) {
            ps.setArray(1, textArray(ids.stream().map(DocumentId::type).toList()));
            ps.setArray(2, textArray(ids.stream().map(DocumentId::key).toList()));
            ps.setArray(3, textArray(ids.stream().map(i -> hashes.get(i).sourceSha256()).toList()));
            ps.setArray(4, textArray(ids.stream().map(i -> hashes.get(i).sha256()).toList()));
            ps.executeUpdate();
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    public void commit() throws SQLException {
        endStreamedInserts();
        markPending(streamed, List.of());
        streamed.clear();
        conn.commit();
    }

    /**
     * Sends a new document into the insert COPY kept open for the current batch (opened by the first). why: with a
     * whole batch sent at once, the server sat idle while the batch filled and the import waited while the server
     * stored it; streamed, the two overlap. The rows commit with the batch ({@link #writeBatch} or {@link #commit}).
     */
    public void streamInsert(StoredDocument d, String source) throws SQLException {
        try {
            if (insertCopy == null) {
                insertCopy = PgBinaryCopy.open(conn, "COPY pokeapi_resources " + COLUMNS + " FROM STDIN (FORMAT binary)");
            }
            row(insertCopy.row(), d, source);
            streamed.add(d.id());
            insertCopy.sendIfFull();
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** Ends the open insert COPY, if any; its rows stay uncommitted until the batch commits. */
    private void endStreamedInserts() throws SQLException {
        if (insertCopy != null) {
            PgBinaryCopy.Streaming copy = insertCopy;
            insertCopy = null;
            copy.end();
        }
    }

    /** Stores one batch atomically: inserts, updates (including revivals of tombstoned rows), pending projections. */
    public void writeBatch(List<StoredDocument> inserts, List<StoredDocument> updates, String source) throws SQLException {
        try {
            endStreamedInserts();
            if (!inserts.isEmpty()) {
                copyRows("COPY pokeapi_resources " + COLUMNS + " FROM STDIN (FORMAT binary)", inserts, source);
            }
            if (!updates.isEmpty()) {
                ensureStaging();
                copyRows("COPY pokepedia_stage " + COLUMNS + " FROM STDIN (FORMAT binary)", updates, source);
                try (Statement st = conn.createStatement()) {
                    st.executeUpdate("""
                            UPDATE pokeapi_resources r
                               SET name = s.name, data = s.data, sha256 = s.sha256, source = s.source,
                                   updated_at = now(), deleted_at = NULL
                              FROM pokepedia_stage s
                             WHERE r.resource_type = s.resource_type AND r.resource_key = s.resource_key""");
                }
            }
            List<DocumentId> inserted = new java.util.ArrayList<>(streamed);
            inserts.forEach(d -> inserted.add(d.id()));
            markPending(inserted, updates.stream().map(StoredDocument::id).toList());
            streamed.clear();
            conn.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /**
     * Stores a few documents at once, for callers that see one document at a time (the crawler): inserts new ones,
     * updates changed or tombstoned ones, leaves identical ones alone, marks projections pending, one transaction.
     * Concurrent callers are safe (one upsert statement from the connection's own staging table). A document may appear
     * only once per call. Returns, per written document, whether it was new.
     */
    public Map<DocumentId, Boolean> upsert(List<StoredDocument> docs, String source) throws SQLException {
        Map<DocumentId, Boolean> written = new LinkedHashMap<>();
        if (docs.isEmpty()) {
            return written;
        }
        // why COPY into the staging table: a text[] of JSON documents is escaped character by character on both
        // sides (the crawl profile showed the driver's array escaping as its largest cost); binary COPY sends jsonb as is
        try {
            ensureStaging();
            copyRows("COPY pokepedia_stage " + COLUMNS + " FROM STDIN (FORMAT binary)", docs, source);
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("""
                    INSERT INTO pokeapi_resources AS r (resource_type, resource_key, name, data, sha256, source)
                    SELECT s.resource_type, s.resource_key, s.name, s.data, s.sha256, s.source FROM pokepedia_stage s
                    ON CONFLICT (resource_type, resource_key) DO UPDATE
                       SET name = excluded.name, data = excluded.data, sha256 = excluded.sha256, source = excluded.source,
                           updated_at = now(), deleted_at = NULL
                     WHERE r.sha256 <> excluded.sha256 OR r.deleted_at IS NOT NULL
                    RETURNING r.resource_type, r.resource_key, (r.xmax = 0)""")) {
                while (rs.next()) {
                    written.put(new DocumentId(rs.getString(1), rs.getString(2)), rs.getBoolean(3));
                }
            }
            markPending(List.copyOf(written.keySet()), List.of());
            conn.commit();
            return written;
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** Tombstones documents that disappeared upstream. */
    public void tombstone(Collection<DocumentId> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("""
                UPDATE pokeapi_resources SET deleted_at = now(), updated_at = now()
                 WHERE (resource_type, resource_key) IN (SELECT * FROM unnest(?::text[], ?::text[]))
                   AND deleted_at IS NULL""")) {
            ps.setArray(1, textArray(ids.stream().map(DocumentId::type).toList()));
            ps.setArray(2, textArray(ids.stream().map(DocumentId::key).toList()));
            ps.executeUpdate();
            markPending(List.copyOf(ids), List.of());
            conn.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** Records the endpoint counts the source states; with {@code complete}, forgets endpoints it no longer has. */
    public void saveEndpoints(Map<String, Integer> counts, String source, boolean complete) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("""
                INSERT INTO pokepedia_endpoints (endpoint, upstream_count, source, updated_at)
                SELECT e, c, ?, now() FROM unnest(?::text[], ?::int[]) AS t(e, c)
                ON CONFLICT (endpoint) DO UPDATE SET upstream_count = excluded.upstream_count, source = excluded.source,
                   updated_at = now()""")) {
            var ordered = new LinkedHashMap<>(counts);
            ps.setString(1, source);
            ps.setArray(2, textArray(List.copyOf(ordered.keySet())));
            ps.setArray(3, conn.createArrayOf("integer", ordered.values().toArray()));
            ps.executeUpdate();
        }
        if (complete) {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM pokepedia_endpoints WHERE NOT (endpoint = ANY (?::text[]))")) {
                ps.setArray(1, textArray(List.copyOf(counts.keySet())));
                ps.executeUpdate();
            }
        }
        conn.commit();
    }

    /** Rebuilds projections for everything pending; returns rows upserted per projection table. */
    public Map<String, Long> refreshProjections() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement st = conn.createStatement()) {
            // why: the projections join documents to documents (each pokemon to its species). Without statistics the
            // planner takes every document type for a handful of rows and checks each pokemon against every species:
            // 3.7 s instead of 0.5 s for the full corpus. Autovacuum would fix that eventually, but not between an
            // import's last write and its projections, and not at all where it is turned off (the development machine).
            PlannerStatistics.refreshIfStale(st, "pokeapi_resources", "resource_type, resource_key, deleted_at",
                    PlannerStatistics.Drift.ROWS_MODIFIED);
            try (ResultSet rs = st.executeQuery("SELECT projection, upserted, deleted FROM pokepedia_refresh_projections()")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            conn.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
        return out;
    }

    private void markPending(List<DocumentId> a, List<DocumentId> b) throws SQLException {
        if (a.isEmpty() && b.isEmpty()) {
            return;
        }
        List<DocumentId> all = new java.util.ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        try (PreparedStatement ps = conn.prepareStatement("""
                INSERT INTO pokepedia_projection_pending (resource_type, resource_key)
                SELECT * FROM unnest(?::text[], ?::text[]) ON CONFLICT DO NOTHING""")) {
            ps.setArray(1, textArray(all.stream().map(DocumentId::type).toList()));
            ps.setArray(2, textArray(all.stream().map(DocumentId::key).toList()));
            ps.executeUpdate();
        }
    }

    private void copyRows(String sql, List<StoredDocument> docs, String source) throws SQLException {
        PgBinaryCopy payload = new PgBinaryCopy();
        for (StoredDocument d : docs) {
            row(payload, d, source);
        }
        payload.copyInto(conn, sql);
    }

    private static void row(PgBinaryCopy payload, StoredDocument d, String source) {
        payload.startRow(6);
        payload.text(d.id().type());
        payload.text(d.id().key());
        payload.text(d.name());
        payload.jsonb(d.json());
        payload.text(d.sha256());
        payload.text(source);
    }

    private void ensureStaging() throws SQLException {
        if (stagingReady) {
            return;
        }
        try (Statement st = conn.createStatement()) {
            // why: LIKE … INCLUDING COMPRESSION keeps lz4 on the staged jsonb, so the merge does not recompress
            st.execute("CREATE TEMP TABLE IF NOT EXISTS pokepedia_stage (LIKE pokeapi_resources INCLUDING DEFAULTS INCLUDING COMPRESSION) ON COMMIT DELETE ROWS");
        }
        stagingReady = true;
    }

    private Array textArray(List<String> values) throws SQLException {
        return conn.createArrayOf("text", values.toArray());
    }

    private void rollbackQuietly() {
        if (insertCopy != null) {
            insertCopy.cancel();
            insertCopy = null;
        }
        streamed.clear();
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // the connection is probably gone; the caller reports the original error
        }
    }

    @Override
    public void close() throws SQLException {
        if (insertCopy != null) {
            insertCopy.cancel(); // why: a pooled connection must not go back in the middle of a COPY
            insertCopy = null;
        }
        try {
            if (locked && !conn.isClosed()) {
                // why: the pool keeps the session alive, and a session-level advisory lock would outlive this run
                conn.rollback();
                try (Statement st = conn.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(hashtext('pokepedia:import'))");
                }
                conn.commit();
            }
        } catch (SQLException e) {
            // the session is gone, and its lock with it
        } finally {
            conn.close();
        }
    }
}
