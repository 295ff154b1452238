package dev.pokepedia.corpus;

import dev.pokepedia.core.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-only answers about the corpus for operators (the admin dashboard): which endpoints the upstream lists, how many
 * documents of each type are stored, and how the import runs went. why: the tables are the corpus's own; others ask here.
 */
public final class CorpusStatus {

    /**
     * One document type: stored live documents and the upstream's own count.
     *
     * @param upstream null when the upstream does not list the type (stored documents of an unlisted type)
     */
    public record TypeCount(String type, long stored, Long upstream) {}

    /**
     * One row of the import history.
     *
     * @param status     {@code running}, {@code ok}, {@code failed}, … as the import recorded it
     * @param finishedAt null while running (or when the process died; the next run marks it failed)
     * @param report     the change report as JSON ({@link ImportReport#toJson()}), or null
     * @param error      why it failed, or null
     */
    public record ImportRunSummary(long id, String source, String status, Instant startedAt, Instant finishedAt, String report,
                                   String error) {

        /** When it ended, or when it started if it never finished. */
        public Instant lastSeenAt() {
            return finishedAt != null ? finishedAt : startedAt;
        }
    }

    private static final String RUN_COLUMNS = "id, source, status, started_at, finished_at, report, error";

    private final Database db;

    public CorpusStatus(Database db) {
        this.db = db;
    }

    /** The endpoint names the upstream lists, sorted. */
    public List<String> endpoints() {
        return db.withConnection("listing the endpoints", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT endpoint FROM pokepedia_endpoints ORDER BY 1");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** Every type that is listed upstream or has stored documents, sorted by name. */
    public List<TypeCount> typeCounts() {
        return db.withConnection("counting the stored documents per type", c -> {
            List<TypeCount> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT coalesce(e.endpoint, r.resource_type), coalesce(r.n, 0), e.upstream_count
                      FROM pokepedia_endpoints e
                      FULL JOIN (SELECT resource_type, count(*) AS n FROM pokeapi_resources
                                  WHERE deleted_at IS NULL GROUP BY 1) r
                        ON r.resource_type = e.endpoint
                     ORDER BY 1""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TypeCount(rs.getString(1), rs.getLong(2), rs.getObject(3) == null ? null : rs.getLong(3)));
                }
            }
            return out;
        });
    }

    /** The newest import run, if any. */
    public Optional<ImportRunSummary> lastImport() {
        return runs("reading the last import run", "SELECT " + RUN_COLUMNS + " FROM pokepedia_import_runs ORDER BY id DESC LIMIT 1")
                .stream().findFirst();
    }

    /** The newest failed import runs, newest first. */
    public List<ImportRunSummary> failedImports(int limit) {
        return runs("reading the failed import runs",
                "SELECT " + RUN_COLUMNS + " FROM pokepedia_import_runs WHERE status = 'failed' ORDER BY id DESC LIMIT " + Math.max(0, limit));
    }

    private List<ImportRunSummary> runs(String what, String sql) {
        return db.withConnection(what, c -> {
            List<ImportRunSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(run(rs));
                }
            }
            return out;
        });
    }

    private static ImportRunSummary run(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp(5);
        return new ImportRunSummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                finished == null ? null : finished.toInstant(), rs.getString(6), rs.getString(7));
    }
}
