package dev.pokepedia.server.internal;

import dev.pokepedia.core.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads the canonical store ({@code pokeapi_resources}) and the asset manifest for the PokeAPI-compatible API. */
public final class ResourceStore {

    /** Which version of a document (and of the stored media it references) a request would get. */
    public record Version(String key, String sha256, String mediaDigest) {
        public String tag() {
            return sha256 + "|" + mediaDigest;
        }
    }

    /** A document's JSON text and the objects it references that the mirror holds. */
    public record Document(String json, Set<MediaPaths.ObjectKey> stored) {}

    /** One entry of a list: its key and name (null for endpoints whose resources have none). */
    public record Item(String key, String name) {}

    // why: numeric keys sort as numbers (upstream order: 1, 2, …, 10), anything else after them by text
    private static final String KEY_ORDER = "CASE WHEN resource_key ~ '^-?[0-9]{1,18}$' THEN resource_key::bigint END NULLS LAST, resource_key";
    private static final String STORED_MEDIA = """
            FROM pokepedia_asset_refs f JOIN pokepedia_assets a ON a.bucket = f.bucket AND a.path = f.path
            WHERE f.resource_type = r.resource_type AND f.resource_id = r.resource_key AND a.status = 'stored'""";

    private final Database db;
    private final boolean media;

    /** @param media whether stored media matter (false when media URLs are never rewritten: cheaper queries) */
    public ResourceStore(Database db, boolean media) {
        this.db = db;
        this.media = media;
    }

    /** Endpoint names: those the source listed plus any with stored documents. */
    public Set<String> endpoints() throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT endpoint FROM pokepedia_endpoints
                     UNION
                     -- why: a loose index scan over the primary key: one probe per type instead of reading every row
                     (WITH RECURSIVE t(type) AS (
                         (SELECT resource_type FROM pokeapi_resources ORDER BY resource_type LIMIT 1)
                         UNION ALL
                         SELECT (SELECT resource_type FROM pokeapi_resources WHERE resource_type > t.type ORDER BY resource_type LIMIT 1)
                           FROM t WHERE t.type IS NOT NULL)
                      SELECT type FROM t WHERE type IS NOT NULL)""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        out.remove("meta");
        out.remove("pokemon-encounters");
        return out;
    }

    /** The live document of a type by numeric key or by name. */
    public Optional<Version> version(String type, String keyOrName) throws SQLException {
        boolean byKey = isKey(keyOrName);
        String digest = media ? "(SELECT md5(string_agg(a.bucket || '/' || a.path || '@' || coalesce(a.sha256, ''), ',' ORDER BY a.bucket, a.path)) "
                + STORED_MEDIA + ")" : "''";
        String sql = "SELECT r.resource_key, r.sha256, " + digest + " FROM pokeapi_resources r WHERE r.resource_type = ? AND "
                + (byKey ? "r.resource_key = ?" : "r.name = ?") + " AND r.deleted_at IS NULL ORDER BY " + KEY_ORDER.replace("resource_key", "r.resource_key") + " LIMIT 1";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, type);
            ps.setString(2, byKey ? normaliseKey(keyOrName) : keyOrName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Version(rs.getString(1), rs.getString(2), rs.getString(3) == null ? "" : rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /** The JSON of a live document, or empty if it went away since {@link #version}. */
    public Optional<Document> document(String type, String key) throws SQLException {
        String storedList = media ? "(SELECT array_agg(a.bucket || '/' || a.path) " + STORED_MEDIA + ")" : "NULL::text[]";
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT r.data::text, " + storedList
                     + " FROM pokeapi_resources r WHERE r.resource_type = ? AND r.resource_key = ? AND r.deleted_at IS NULL")) {
            ps.setString(1, type);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Document(rs.getString(1), objectKeys(rs.getArray(2))));
            }
        }
    }

    public long count(String type) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pokeapi_resources WHERE resource_type = ? AND deleted_at IS NULL")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public List<Item> page(String type, int offset, int limit) throws SQLException {
        List<Item> out = new ArrayList<>(Math.min(limit, 2_000));
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT resource_key, name FROM pokeapi_resources WHERE resource_type = ? "
                     + "AND deleted_at IS NULL ORDER BY " + KEY_ORDER + " LIMIT ? OFFSET ?")) {
            ps.setString(1, type);
            ps.setInt(2, limit);
            ps.setInt(3, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Item(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** One live document as the warm-up reads it. */
    public interface DocumentSink {
        void accept(String type, String key, Document doc);
    }

    /** Streams every live document with its stored media (for warming the in-memory copy). */
    public void forEachDocument(DocumentSink sink) throws SQLException {
        String storedList = media ? "(SELECT array_agg(a.bucket || '/' || a.path) " + STORED_MEDIA + ")" : "NULL::text[]";
        try (Connection c = db.connection()) {
            c.setAutoCommit(false); // why: a cursor (fetch size) needs a transaction; the corpus is ~250 MB of JSON
            try (PreparedStatement ps = c.prepareStatement("SELECT r.resource_type, r.resource_key, r.data::text, " + storedList
                    + " FROM pokeapi_resources r WHERE r.deleted_at IS NULL")) {
                ps.setFetchSize(64);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(rs.getString(1), rs.getString(2), new Document(rs.getString(3), objectKeys(rs.getArray(4))));
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    /** Every endpoint's live documents in list order (keys of {@code types}, or all when null). */
    public java.util.Map<String, List<Item>> items(Set<String> types) throws SQLException {
        java.util.Map<String, List<Item>> out = new java.util.HashMap<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT resource_type, resource_key, name FROM pokeapi_resources "
                     + "WHERE deleted_at IS NULL AND (?::text[] IS NULL OR resource_type = ANY (?::text[])) ORDER BY resource_type, " + KEY_ORDER)) {
            Array a = types == null ? null : c.createArrayOf("text", types.toArray());
            ps.setArray(1, a);
            ps.setArray(2, a);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(new Item(rs.getString(2), rs.getString(3)));
                }
            }
        }
        if (types != null) {
            types.forEach(t -> out.putIfAbsent(t, List.of()));
        }
        return out;
    }

    /** Whether the path segment names a resource by id (upstream ids are integers, one is negative). */
    public static boolean isKey(String s) {
        return s.matches("^-?[0-9]{1,9}$");
    }

    /** {@code 025} and {@code 25} are the same id, as upstream's integer routing treats them. */
    private static String normaliseKey(String s) {
        return Integer.toString(Integer.parseInt(s));
    }

    private static Set<MediaPaths.ObjectKey> objectKeys(Array array) throws SQLException {
        if (array == null) {
            return Set.of();
        }
        Object[] values = (Object[]) array.getArray();
        Set<MediaPaths.ObjectKey> out = new HashSet<>(values.length * 2);
        for (Object v : values) {
            String s = (String) v;
            int slash = s.indexOf('/');
            out.add(new MediaPaths.ObjectKey(s.substring(0, slash), s.substring(slash + 1)));
        }
        return out;
    }
}
