package dev.pokepedia.medialibrary.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.CatalogAsset;
import dev.pokepedia.medialibrary.MediaDetails;
import dev.pokepedia.medialibrary.MediaList;
import dev.pokepedia.medialibrary.MediaQuery;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.SyncLogEntry;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of the catalog for the list, search, detail and stats routes. Every value is a bound parameter. */
public final class CatalogReader {

    static final String COLUMNS = "id, resource_type, public_id, format, bytes, folder, display_name, tags,"
            + " context::text, provider_version, etag, sync_status, last_error, last_synced_at, deleted_at,"
            + " provider_created_at";

    private final String provider;
    private final String cloud;

    public CatalogReader(String provider, String cloud) {
        this.provider = provider;
        this.cloud = cloud;
    }

    String provider() {
        return provider;
    }

    String cloud() {
        return cloud;
    }

    /**
     * The words a text query matches, as the database makes them ({@code plainto_tsquery('simple', text)} ANDs
     * exactly these), for the in-memory listing.
     */
    public List<String> words(Connection c, String text) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT tsvector_to_array(to_tsvector('simple', ?))")) {
            ps.setString(1, text);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Array a = rs.getArray(1);
                return a == null ? List.of() : List.of((String[]) a.getArray());
            }
        }
    }

    public MediaList list(Connection c, MediaQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM media_assets WHERE provider = ? AND cloud = ?");
        List<Object> args = new ArrayList<>(List.of(provider, cloud));
        if (!q.deleted()) {
            sql.append(" AND deleted_at IS NULL");
        }
        if (q.folder() != null) {
            sql.append(" AND folder = ?");
            args.add(q.folder());
        }
        if (q.tag() != null) {
            sql.append(" AND tags @> ARRAY[?]::text[]");
            args.add(q.tag());
        }
        if (q.type() != null) {
            sql.append(" AND resource_type = ?");
            args.add(q.type().wire());
        }
        if (q.text() != null) {
            // why plainto_tsquery: user text becomes words ANDed together; operators and quotes are just characters
            // why the stored column (V703): the expression recomputed to_tsvector for every row a sorted scan passed
            sql.append(" AND search_document @@ plainto_tsquery('simple', ?)");
            args.add(q.text());
        }
        Paging paging = Paging.of(q);
        boolean keyset = paging.keyset();
        int offset = paging.offset();
        if (paging.afterMicros() != null) {
            sql.append(paging.desc() ? " AND (provider_created_at, id) < (?, ?)" : " AND (provider_created_at, id) > (?, ?)");
            args.add(Timestamp.from(Instant.EPOCH.plus(paging.afterMicros(), ChronoUnit.MICROS)));
            args.add(paging.afterId());
        }
        sql.append(switch (q.sort()) {
            case "created_asc" -> " ORDER BY provider_created_at, id";
            case "name" -> " ORDER BY coalesce(display_name, public_id), id";
            case "bytes_desc" -> " ORDER BY bytes DESC NULLS LAST, id";
            default -> " ORDER BY provider_created_at DESC, id DESC";
        });
        sql.append(" LIMIT ").append(q.limit() + 1).append(" OFFSET ").append(offset);
        List<CatalogAsset> items = new ArrayList<>();
        List<Instant> created = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && items.size() < q.limit() + 1) {
                    items.add(map(rs));
                    created.add(rs.getTimestamp(16).toInstant());
                }
            }
        }
        String next = null;
        if (items.size() > q.limit()) {
            items.removeLast();
            next = paging.next(items.getLast().id(), ChronoUnit.MICROS.between(Instant.EPOCH, created.get(items.size() - 1)),
                    q.limit());
        }
        return new MediaList(items, next);
    }

    /**
     * How a listing pages (shared by the SQL and the in-memory listing, so their cursors are the same): keyset
     * {@code (provider_created_at, id)} for the created sorts, an offset for the others.
     *
     * @param afterMicros with {@code afterId}: the keyset position the cursor names, or null
     */
    record Paging(boolean keyset, boolean desc, int offset, Long afterMicros, Long afterId) {

        static Paging of(MediaQuery q) {
            boolean keyset = q.sort().startsWith("created");
            boolean desc = q.sort().equals("created_desc");
            if (q.cursor() == null) {
                return new Paging(keyset, desc, q.offset(), null, null);
            }
            String[] parts = decode(q.cursor());
            if (keyset && parts[0].equals("k") && parts.length == 3) {
                return new Paging(true, desc, 0, Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }
            if (!keyset && parts[0].equals("o") && parts.length == 2) {
                return new Paging(false, desc, Integer.parseInt(parts[1]), null, null);
            }
            throw new IllegalArgumentException("cursor: not a cursor of this listing and sort");
        }

        /** The cursor of the page after one that ended with this row. */
        String next(long lastId, long lastCreatedMicros, int limit) {
            return keyset ? encode("k|" + lastCreatedMicros + "|" + lastId) : encode("o|" + (offset + limit));
        }
    }

    public Optional<MediaDetails> details(Connection c, long id) throws SQLException {
        CatalogAsset asset;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM media_assets WHERE id = ?"
                + " AND provider = ? AND cloud = ?")) {
            ps.setLong(1, id);
            ps.setString(2, provider);
            ps.setString(3, cloud);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                asset = map(rs);
            }
        }
        List<MediaDetails.Usage> usage = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT entity_type, entity_id, field FROM media_usage"
                + " WHERE asset_id = ? ORDER BY entity_type, entity_id, field")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    usage.add(new MediaDetails.Usage(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        List<String> collections = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.name FROM media_collection_assets m JOIN"
                + " media_collections c ON c.id = m.collection_id WHERE m.asset_id = ? ORDER BY c.name")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    collections.add(rs.getString(1));
                }
            }
        }
        return Optional.of(new MediaDetails(asset, usage, collections));
    }

    /** The newest sync log entries of this provider and cloud, newest first. */
    public List<SyncLogEntry> syncLog(Connection c, int limit) throws SQLException {
        List<SyncLogEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, operation, direction, public_id, status, error,"
                + " processing_time_ms, request_id, created_at FROM media_sync_log WHERE provider = ? AND cloud = ?"
                + " ORDER BY created_at DESC, id DESC LIMIT ?")) {
            ps.setString(1, provider);
            ps.setString(2, cloud);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SyncLogEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), (Integer) rs.getObject(7), rs.getString(8),
                            rs.getTimestamp(9).toInstant()));
                }
            }
        }
        return out;
    }

    /** The id of the newest sync log entry of this provider and cloud (0 when none): it grows with every change. */
    public long lastChange(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM media_sync_log"
                + " WHERE provider = ? AND cloud = ?")) {
            ps.setString(1, provider);
            ps.setString(2, cloud);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Changes whenever the statistics can have changed (every catalog change writes the sync log; a reconcile run
     * updates its row): the newest log id and the newest run update, both index or small-table reads.
     */
    public static String statisticsMarker(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT coalesce(max(id), 0) FROM media_sync_log)"
                + " || '/' || coalesce((SELECT max(updated_at) FROM media_sync_runs)::text, '')");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {@code get_media_statistics()} as JSON text. */
    public static String statistics(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT get_media_statistics()::text");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    CatalogAsset map(ResultSet rs) throws SQLException {
        Array tags = rs.getArray(8);
        Map<String, String> ctx = new LinkedHashMap<>();
        try {
            CatalogStore.JSON.readTree(rs.getString(9)).properties().forEach(e -> ctx.put(e.getKey(), e.getValue().asText()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Timestamp synced = rs.getTimestamp(14);
        Timestamp deleted = rs.getTimestamp(15);
        return new CatalogAsset(rs.getLong(1), provider, cloud, new AssetRef(ResourceType.of(rs.getString(2)),
                rs.getString(3)), rs.getString(4), (Long) rs.getObject(5), rs.getString(6), rs.getString(7),
                tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()), ctx, (Long) rs.getObject(10),
                rs.getString(11), rs.getString(12), rs.getString(13), synced == null ? null : synced.toInstant(),
                deleted == null ? null : deleted.toInstant());
    }

    private static String encode(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
            for (int i = 1; i < parts.length; i++) {
                Long.parseLong(parts[i]);
            }
            return parts;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor: malformed");
        }
    }
}
