package dev.pokepedia.medialibrary.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.medialibrary.ApplyResult;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.CatalogAsset;
import dev.pokepedia.medialibrary.ProviderAsset;
import dev.pokepedia.medialibrary.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The SQL of the catalog; every method works on the caller's connection (and so in the caller's transaction). */
public final class CatalogStore {

    static final ObjectMapper JSON = JsonMapper.builder().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .build();

    private final String provider;
    private final String cloud;

    public CatalogStore(String provider, String cloud) {
        this.provider = provider;
        this.cloud = cloud;
    }

    /** SHA-256 over every provider field, so that any change (tags included) shows in a diff. */
    public static String stateHash(ProviderAsset a) {
        Map<String, Object> m = new TreeMap<>();
        m.put("type", a.type().wire());
        m.put("id", a.publicId());
        m.put("format", a.format());
        m.put("bytes", a.bytes());
        m.put("w", a.width());
        m.put("h", a.height());
        m.put("d", a.duration());
        m.put("folder", a.folder());
        m.put("name", a.displayName());
        m.put("tags", a.tags());
        m.put("ctx", new TreeMap<>(a.context()));
        m.put("meta", new TreeMap<>(a.metadata()));
        m.put("url", a.secureUrl());
        m.put("v", a.version());
        m.put("etag", a.etag());
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(m));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String UPSERT = """
            INSERT INTO media_assets AS m (provider, cloud, public_id, resource_type, format, bytes, width, height,
                duration, folder, display_name, tags, context, metadata, secure_url, provider_version, etag, state_hash,
                provider_created_at, provider_updated_at, last_event_at, sync_status, last_error, last_synced_at,
                deleted_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, coalesce(?, now()), ?, ?, 'synced', NULL, now(),
                NULL, now())
            ON CONFLICT (provider, cloud, resource_type, public_id) DO UPDATE SET
                format = EXCLUDED.format, bytes = EXCLUDED.bytes, width = EXCLUDED.width, height = EXCLUDED.height,
                duration = EXCLUDED.duration, folder = EXCLUDED.folder, display_name = EXCLUDED.display_name,
                tags = EXCLUDED.tags, context = EXCLUDED.context, metadata = EXCLUDED.metadata,
                secure_url = EXCLUDED.secure_url, provider_version = EXCLUDED.provider_version, etag = EXCLUDED.etag,
                state_hash = EXCLUDED.state_hash,
                provider_updated_at = EXCLUDED.provider_updated_at,
                last_event_at = greatest(m.last_event_at, EXCLUDED.last_event_at),
                sync_status = 'synced', last_error = NULL, last_synced_at = now(),
                deleted_at = NULL, updated_at = now()
            WHERE (m.state_hash IS DISTINCT FROM EXCLUDED.state_hash OR m.deleted_at IS NOT NULL)
              AND (m.provider_version IS NULL OR EXCLUDED.provider_version IS NULL
                   OR EXCLUDED.provider_version >= m.provider_version)
            RETURNING (xmax = 0) AS inserted, id""";

    /**
     * Applies a provider state: inserted, or updated when it differs and is not older than the stored version.
     *
     * @param eventAt when the provider reported this state (webhook) or null (listing)
     */
    public ApplyResult upsert(Connection c, ProviderAsset a, Instant eventAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            int i = 1;
            ps.setString(i++, provider);
            ps.setString(i++, cloud);
            ps.setString(i++, a.publicId());
            ps.setString(i++, a.type().wire());
            ps.setString(i++, a.format());
            setLong(ps, i++, a.bytes());
            setInt(ps, i++, a.width());
            setInt(ps, i++, a.height());
            if (a.duration() == null) {
                ps.setNull(i++, Types.DOUBLE);
            } else {
                ps.setDouble(i++, a.duration());
            }
            ps.setString(i++, a.folder());
            ps.setString(i++, a.displayName());
            ps.setArray(i++, c.createArrayOf("text", a.tags().toArray()));
            ps.setString(i++, json(a.context()));
            ps.setString(i++, json(a.metadata()));
            ps.setString(i++, a.secureUrl());
            setLong(ps, i++, a.version());
            ps.setString(i++, a.etag());
            ps.setString(i++, stateHash(a));
            ps.setTimestamp(i++, ts(a.createdAt()));
            ps.setTimestamp(i++, ts(a.updatedAt()));
            ps.setTimestamp(i++, ts(eventAt));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getBoolean(1) ? ApplyResult.ADDED : ApplyResult.UPDATED;
                }
            }
        }
        Optional<CatalogAsset> row = find(c, a.ref());
        if (row.isPresent() && row.get().version() != null && a.version() != null
                && a.version() < row.get().version()) {
            return ApplyResult.STALE;
        }
        return ApplyResult.UNCHANGED;
    }

    /**
     * Records what a reconcile run saw in a page of the listing (unchanged assets too), beside the run: the catalog
     * rows of unchanged assets are not written.
     */
    public void markSeen(Connection c, ResourceType type, List<String> publicIds, long runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO media_sync_run_seen (run_id, resource_type, public_id)"
                + " SELECT ?, ?, unnest(?::text[]) ON CONFLICT DO NOTHING")) {
            ps.setLong(1, runId);
            ps.setString(2, type.wire());
            ps.setArray(3, c.createArrayOf("text", publicIds.toArray()));
            ps.executeUpdate();
        }
    }

    /**
     * Tombstones an asset the provider no longer has, unless the catalog holds a newer version than the deletion
     * refers to (a re-upload after the delete).
     */
    public ApplyResult tombstone(Connection c, AssetRef ref, Long deletedVersion, Instant eventAt) throws SQLException {
        Optional<CatalogAsset> row = find(c, ref);
        if (row.isEmpty()) {
            return ApplyResult.NOT_FOUND;
        }
        if (row.get().deleted()) {
            return ApplyResult.UNCHANGED;
        }
        if (deletedVersion != null && row.get().version() != null && row.get().version() > deletedVersion) {
            return ApplyResult.STALE;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE media_assets SET deleted_at = now(), sync_status ="
                + " 'deleted', last_synced_at = now(), updated_at = now(), last_event_at = greatest(last_event_at, ?)"
                + " WHERE id = ? AND deleted_at IS NULL")) {
            ps.setTimestamp(1, ts(eventAt));
            ps.setLong(2, row.get().id());
            return ps.executeUpdate() == 1 ? ApplyResult.DELETED : ApplyResult.UNCHANGED;
        }
    }

    /**
     * Moves a row to a new public id, keeping its id (and so its usage and collections), when the target has no
     * live row yet. Returns false when it could not (no source row, or the target already exists).
     */
    public boolean moveRow(Connection c, AssetRef from, String toPublicId) throws SQLException {
        Optional<CatalogAsset> source = find(c, from);
        Optional<CatalogAsset> target = find(c, new AssetRef(from.type(), toPublicId));
        if (source.isEmpty() || source.get().deleted()) {
            return false;
        }
        if (target.isPresent()) {
            if (!target.get().deleted()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM media_assets WHERE id = ?"
                    + " AND NOT EXISTS (SELECT 1 FROM media_usage WHERE asset_id = ?)"
                    + " AND NOT EXISTS (SELECT 1 FROM media_collection_assets WHERE asset_id = ?)")) {
                ps.setLong(1, target.get().id());
                ps.setLong(2, target.get().id());
                ps.setLong(3, target.get().id());
                if (ps.executeUpdate() == 0) {
                    return false; // why: a tombstone still in use keeps its identity; the caller upserts instead
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE media_assets SET public_id = ?, updated_at = now()"
                + " WHERE id = ?")) {
            ps.setString(1, toPublicId);
            ps.setLong(2, source.get().id());
            ps.executeUpdate();
        }
        return true;
    }

    public boolean inUse(Connection c, long assetId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM media_usage WHERE asset_id = ?)")) {
            ps.setLong(1, assetId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    public Optional<CatalogAsset> find(Connection c, AssetRef ref) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, format, bytes, folder, display_name, tags,"
                + " context::text, provider_version, etag, sync_status, last_error, last_synced_at, deleted_at"
                + " FROM media_assets WHERE provider = ? AND cloud = ? AND resource_type = ? AND public_id = ?")) {
            ps.setString(1, provider);
            ps.setString(2, cloud);
            ps.setString(3, ref.type().wire());
            ps.setString(4, ref.publicId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Array tags = rs.getArray(6);
                Map<String, String> ctx = new LinkedHashMap<>();
                try {
                    JSON.readTree(rs.getString(7)).properties().forEach(e -> ctx.put(e.getKey(), e.getValue().asText()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                return Optional.of(new CatalogAsset(rs.getLong(1), provider, cloud, ref, rs.getString(2),
                        (Long) rs.getObject(3), rs.getString(4), rs.getString(5),
                        tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()), ctx,
                        (Long) rs.getObject(8), rs.getString(9), rs.getString(10), rs.getString(11),
                        instant(rs.getTimestamp(12)), instant(rs.getTimestamp(13))));
            }
        }
    }

    /** One media_sync_log entry. */
    public void log(Connection c, String operation, String direction, String publicId, String status, String error,
            long millis, String requestId, Map<String, ?> details) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO media_sync_log (operation, direction, provider,"
                + " cloud, public_id, asset_id, status, error, processing_time_ms, request_id, details)"
                + " VALUES (?, ?, ?, ?, ?, (SELECT id FROM media_assets WHERE provider = ? AND cloud = ?"
                + " AND public_id = ? ORDER BY deleted_at NULLS FIRST LIMIT 1), ?, ?, ?, ?, ?::jsonb)")) {
            ps.setString(1, operation);
            ps.setString(2, direction);
            ps.setString(3, provider);
            ps.setString(4, cloud);
            ps.setString(5, publicId);
            ps.setString(6, provider);
            ps.setString(7, cloud);
            ps.setString(8, publicId);
            ps.setString(9, status);
            ps.setString(10, error);
            ps.setInt(11, (int) Math.min(Integer.MAX_VALUE, millis));
            ps.setString(12, requestId);
            ps.setString(13, details == null ? null : json(details));
            ps.executeUpdate();
        }
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new PokepediaException(PokepediaException.ErrorCode.INTERNAL, "cannot encode " + o, "", e);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
