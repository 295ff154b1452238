package dev.pokepedia.corpus;

import dev.pokepedia.core.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Reads table contents for assertions: snapshots of the canonical store and of the projections. */
public final class Rows {

    /** Projection table → the resource type it mirrors. */
    public static final Map<String, String> PROJECTIONS = Map.of(
            "pokepedia_pokemon", "pokemon",
            "pokepedia_species", "pokemon-species",
            "pokepedia_evolution_chains", "evolution-chain",
            "pokepedia_moves", "move",
            "pokepedia_types", "type");

    /** One row of pokeapi_resources, without the document itself. */
    public record Resource(String sha256, String name, OffsetDateTime updatedAt, OffsetDateTime deletedAt) {
        public boolean live() {
            return deletedAt == null;
        }
    }

    private Rows() {
    }

    /** Every row of pokeapi_resources, live or tombstoned. */
    public static SortedMap<DocumentId, Resource> resources(Database db) {
        SortedMap<DocumentId, Resource> out = new TreeMap<>();
        query(db, "SELECT resource_type, resource_key, sha256, name, updated_at, deleted_at FROM pokeapi_resources", rs -> {
            out.put(new DocumentId(rs.getString(1), rs.getString(2)), new Resource(rs.getString(3), rs.getString(4),
                    rs.getObject(5, OffsetDateTime.class), rs.getObject(6, OffsetDateTime.class)));
        });
        return out;
    }

    /** (type, key) → sha256 of the live rows. */
    public static SortedMap<DocumentId, String> liveShas(Database db) {
        SortedMap<DocumentId, String> out = new TreeMap<>();
        resources(db).forEach((id, r) -> {
            if (r.live()) {
                out.put(id, r.sha256());
            }
        });
        return out;
    }

    /** The stored JSON of one document, or null. */
    public static String data(Database db, DocumentId id) {
        return string(db, "SELECT data::text FROM pokeapi_resources WHERE resource_type = ? AND resource_key = ?", id.type(), id.key());
    }

    /** (type, key) → stored JSON text of every live row. */
    public static SortedMap<DocumentId, String> liveData(Database db) {
        SortedMap<DocumentId, String> out = new TreeMap<>();
        query(db, "SELECT resource_type, resource_key, data::text FROM pokeapi_resources WHERE deleted_at IS NULL",
                rs -> out.put(new DocumentId(rs.getString(1), rs.getString(2)), rs.getString(3)));
        return out;
    }

    /** Endpoint → the upstream count recorded from the source's list documents. */
    public static SortedMap<String, Integer> endpoints(Database db) {
        SortedMap<String, Integer> out = new TreeMap<>();
        query(db, "SELECT endpoint, upstream_count FROM pokepedia_endpoints", rs -> out.put(rs.getString(1), rs.getInt(2)));
        return out;
    }

    /** Projection table → id → updated_at. */
    public static Map<String, SortedMap<Integer, OffsetDateTime>> projectionUpdatedAt(Database db) {
        Map<String, SortedMap<Integer, OffsetDateTime>> out = new TreeMap<>();
        for (String table : PROJECTIONS.keySet()) {
            SortedMap<Integer, OffsetDateTime> rows = new TreeMap<>();
            query(db, "SELECT id, updated_at FROM " + table, rs -> rows.put(rs.getInt(1), rs.getObject(2, OffsetDateTime.class)));
            out.put(table, rows);
        }
        return out;
    }

    /** Ids of one projection table. */
    public static List<Integer> projectionIds(Database db, String table) {
        List<Integer> out = new ArrayList<>();
        query(db, "SELECT id FROM " + table + " ORDER BY id", rs -> out.add(rs.getInt(1)));
        return out;
    }

    /** Projection table → md5 of all its rows (without updated_at) in id order: equal digests, equal contents. */
    public static SortedMap<String, String> projectionDigests(Database db) {
        SortedMap<String, String> out = new TreeMap<>();
        for (String table : PROJECTIONS.keySet()) {
            out.put(table, string(db, "SELECT md5(coalesce(string_agg((to_jsonb(t) - 'updated_at')::text, ',' ORDER BY id), ''))"
                    + " || ':' || count(*) FROM " + table + " t"));
        }
        return out;
    }

    /** One projection row as column → value (jsonb as text). */
    public static Map<String, Object> row(Database db, String sql, Object... params) {
        List<Map<String, Object>> rows = new ArrayList<>();
        query(db, sql, rs -> {
            ResultSetMetaData md = rs.getMetaData();
            Map<String, Object> r = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                Object v = rs.getObject(i);
                r.put(md.getColumnLabel(i), v instanceof org.postgresql.util.PGobject pg ? pg.getValue() : v);
            }
            rows.add(r);
        }, params);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows.size() + " for " + sql);
        }
        return rows.get(0);
    }

    public static long count(Database db, String sql, Object... params) {
        long[] n = {0};
        query(db, sql, rs -> n[0] = rs.getLong(1), params);
        return n[0];
    }

    public static String string(Database db, String sql, Object... params) {
        String[] s = {null};
        query(db, sql, rs -> s[0] = rs.getString(1), params);
        return s[0];
    }

    public static int execute(Database db, String sql, Object... params) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Empties every table the importer writes, so each test starts from an empty store. */
    public static void reset(Database db) {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE pokeapi_resources, pokepedia_projection_pending, pokepedia_endpoints, pokepedia_import_runs, pokepedia_source_hashes, "
                    + String.join(", ", PROJECTIONS.keySet()) + " RESTART IDENTITY");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A consumer of result rows. */
    public interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    public static void query(Database db, String sql, RowHandler handler, Object... params) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}
