package dev.pokepedia.live;

import dev.pokepedia.core.Database;
import dev.pokepedia.testkit.SharedData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Fixture paths and table read-outs shared by the live-path tests. */
final class LiveFixtures {

    static final Path CORPUS_0710 = SharedData.repoRoot().resolve("corpus/src/test/resources/fixtures/api-data-mini-2026-07-10.tar.gz");
    static final Path MEDIA = SharedData.repoRoot().resolve("media/src/test/resources/fixtures/media");
    static final Path SPRITES = MEDIA.resolve("sprites-mini");
    static final Path CRIES = MEDIA.resolve("cries-mini");
    /** Projection tables compared row by row (without their updated_at). */
    static final List<String> PROJECTIONS = List.of("pokepedia_pokemon", "pokepedia_species", "pokepedia_evolution_chains",
            "pokepedia_moves", "pokepedia_types");

    private LiveFixtures() {
    }

    /** "type/key" → sha256 of every live document. */
    static SortedMap<String, String> liveShas(Database db) throws SQLException {
        return map(db, "SELECT resource_type || '/' || resource_key, sha256 FROM pokeapi_resources WHERE deleted_at IS NULL");
    }

    /** Projection table → md5 over all its rows in id order, without updated_at. */
    static SortedMap<String, String> projectionDigests(Database db) throws SQLException {
        SortedMap<String, String> out = new TreeMap<>();
        for (String t : PROJECTIONS) {
            out.putAll(map(db, "SELECT '" + t + "', coalesce(md5(string_agg((to_jsonb(p) - 'updated_at')::text, '|' ORDER BY p.id)), 'empty') FROM " + t + " p"));
        }
        return out;
    }

    static long count(Database db, String sql) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static SortedMap<String, String> map(Database db, String sql) throws SQLException {
        SortedMap<String, String> out = new TreeMap<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
