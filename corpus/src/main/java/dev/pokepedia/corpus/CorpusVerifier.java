package dev.pokepedia.corpus;

import dev.pokepedia.core.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Proves the store is whole: each endpoint holds as many live documents as its source list says, every
 * {@code /api/v2/...} reference inside every stored document resolves to a live row, and the projections match.
 */
public final class CorpusVerifier {

    private static final int EXAMPLES = 5;

    /** Projection table → the resource type it mirrors one-to-one. */
    private static final String[][] PROJECTIONS = {
            {"pokepedia_pokemon", "pokemon"},
            {"pokepedia_species", "pokemon-species"},
            {"pokepedia_evolution_chains", "evolution-chain"},
            {"pokepedia_moves", "move"},
            {"pokepedia_types", "type"},
    };

    private final Database database;

    public CorpusVerifier(Database database) {
        this.database = database;
    }

    public VerifyReport verify() {
        return database.withConnection("verifying the corpus", c -> {
            List<VerifyReport.Check> checks = new ArrayList<>();
            counts(c, checks);
            List<VerifyReport.DanglingGroup> dangling = new ArrayList<>();
            long refs = references(c, dangling);
            long danglingRefs = dangling.stream().mapToLong(VerifyReport.DanglingGroup::references).sum();
            checks.add(new VerifyReport.Check("references", dangling.isEmpty(), dangling.isEmpty()
                    ? refs + " distinct /api/v2 references all resolve"
                    : danglingRefs + " references to " + dangling.stream().mapToLong(VerifyReport.DanglingGroup::distinctTargets).sum()
                      + " missing documents (of " + refs + " distinct references)"));
            projections(c, checks);
            return new VerifyReport(List.copyOf(checks), List.copyOf(dangling), refs);
        });
    }

    private static void counts(Connection c, List<VerifyReport.Check> checks) throws SQLException {
        String sql = """
                WITH expected AS (
                    SELECT endpoint, upstream_count FROM pokepedia_endpoints
                    UNION ALL
                    -- why: encounters have no list document; upstream serves one per pokemon
                    SELECT 'pokemon-encounters', upstream_count FROM pokepedia_endpoints WHERE endpoint = 'pokemon'
                    UNION ALL
                    SELECT 'meta', 1 WHERE EXISTS (SELECT 1 FROM pokeapi_resources WHERE resource_type = 'meta')
                ), stored AS (
                    SELECT resource_type, count(*) AS n FROM pokeapi_resources WHERE deleted_at IS NULL GROUP BY 1
                )
                SELECT coalesce(e.endpoint, s.resource_type), e.upstream_count, coalesce(s.n, 0)
                  FROM expected e FULL JOIN stored s ON s.resource_type = e.endpoint
                 ORDER BY 1""";
        List<String> bad = new ArrayList<>();
        long types = 0;
        long docs = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                types++;
                String type = rs.getString(1);
                long expected = rs.getLong(2);
                boolean known = !rs.wasNull();
                long stored = rs.getLong(3);
                docs += stored;
                if (!known) {
                    bad.add(type + ": " + stored + " stored but the source lists no such endpoint");
                } else if (expected != stored) {
                    bad.add(type + ": " + stored + " stored, source lists " + expected);
                }
            }
        }
        if (types == 0) {
            checks.add(new VerifyReport.Check("counts", false, "the store is empty; run 'pokepedia import' first"));
            return;
        }
        checks.add(new VerifyReport.Check("counts", bad.isEmpty(),
                bad.isEmpty() ? docs + " documents in " + types + " resource types match the source's list counts" : String.join("; ", bad)));
    }

    private static long references(Connection c, List<VerifyReport.DanglingGroup> out) throws SQLException {
        String sql = """
                WITH refs AS (
                    SELECT r.resource_type || '/' || r.resource_key AS from_doc, v #>> '{}' AS ref
                      FROM pokeapi_resources r,
                           jsonb_path_query(r.data, 'strict $.** ? (@.type() == "string" && @ starts with "/api/v2/")') v
                     WHERE r.deleted_at IS NULL
                ), targets AS (
                    SELECT ref, min(from_doc) AS example_from, count(*) AS uses,
                           regexp_match(ref, '^/api/v2/([a-z0-9-]+)/([^/]+)/(encounters/?)?$') AS m
                      FROM refs GROUP BY ref
                ), resolved AS (
                    SELECT t.*, CASE WHEN m[3] IS NOT NULL THEN 'pokemon-encounters' ELSE m[1] END AS target_type,
                           EXISTS (SELECT 1 FROM pokeapi_resources d
                                    WHERE d.deleted_at IS NULL
                                      AND d.resource_type = CASE WHEN m[3] IS NOT NULL THEN 'pokemon-encounters' ELSE m[1] END
                                      AND (d.resource_key = m[2] OR (m[2] !~ '^-?[0-9]+$' AND d.name = m[2]))) AS ok
                      FROM targets t
                )
                SELECT coalesce(target_type, '(unparseable)'), count(*) FILTER (WHERE NOT ok OR m IS NULL),
                       sum(uses) FILTER (WHERE NOT ok OR m IS NULL),
                       (array_agg(ref || ' <- ' || example_from ORDER BY ref) FILTER (WHERE NOT ok OR m IS NULL))[1:%d],
                       count(*)
                  FROM resolved GROUP BY 1 ORDER BY 1""".formatted(EXAMPLES);
        long total = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                total += rs.getLong(5);
                long missing = rs.getLong(2);
                if (missing > 0) {
                    Array ex = rs.getArray(4);
                    out.add(new VerifyReport.DanglingGroup(rs.getString(1), rs.getLong(3), missing,
                            Arrays.asList((String[]) ex.getArray())));
                }
            }
        }
        return total;
    }

    private static void projections(Connection c, List<VerifyReport.Check> checks) throws SQLException {
        List<String> bad = new ArrayList<>();
        List<String> good = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (String[] p : PROJECTIONS) {
                try (ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM " + p[0] + "), (SELECT count(*) FROM pokeapi_resources"
                        + " WHERE resource_type = '" + p[1] + "' AND deleted_at IS NULL)")) {
                    rs.next();
                    long rows = rs.getLong(1);
                    long docs = rs.getLong(2);
                    (rows == docs ? good : bad).add(p[0] + " " + rows + (rows == docs ? "" : " rows vs " + docs + " " + p[1] + " documents"));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pokepedia_projection_pending")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    bad.add(rs.getLong(1) + " documents still wait for their projections (rerun the import to finish)");
                }
            }
        }
        checks.add(new VerifyReport.Check("projections", bad.isEmpty(), bad.isEmpty() ? String.join(", ", good) : String.join("; ", bad)));
    }
}
