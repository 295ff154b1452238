package dev.pokepedia.corpus.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.ImportReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Rows of {@code pokepedia_import_runs}: one per import, with its change report, for operators and the dashboard. */
public final class ImportRuns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ImportRuns() {
    }

    /** Call while holding the import lock: any run still marked running then belongs to a process that died. */
    public static long start(Database db, String source) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement stale = c.prepareStatement("""
                     UPDATE pokepedia_import_runs SET status = 'failed', finished_at = now(),
                            error = 'interrupted: the process stopped before finishing (a later run resumed the work)'
                      WHERE status = 'running'""");
             PreparedStatement ps = c.prepareStatement("INSERT INTO pokepedia_import_runs (source) VALUES (?) RETURNING id")) {
            stale.executeUpdate();
            ps.setString(1, source);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Best effort: a run whose database went away stays 'running' until the next run marks it failed. */
    public static void finish(Database db, long runId, ImportReport report) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE pokepedia_import_runs SET finished_at = now(), status = ?, report = ?::jsonb, error = ? WHERE id = ?")) {
            ps.setString(1, report.status());
            ps.setString(2, toJson(report).toString());
            ps.setString(3, report.failure() == null ? null : report.failure().getMessage());
            ps.setLong(4, runId);
            ps.executeUpdate();
        } catch (RuntimeException | SQLException e) {
            org.slf4j.LoggerFactory.getLogger(ImportRuns.class).warn("Could not record the end of import run {}: {}", runId, e.toString());
        }
    }

    /** The report as JSON (also what {@code --json} prints). */
    public static ObjectNode toJson(ImportReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("run_id", r.runId());
        root.put("source", r.source());
        root.put("status", r.status());
        root.put("dry_run", r.dryRun());
        root.put("documents", r.documents());
        root.put("json_bytes", r.jsonBytes());
        root.put("unchanged_by_source_bytes", r.unchangedBySource());
        root.put("seconds", r.elapsed().toMillis() / 1000.0);
        root.put("docs_per_second", Math.round(r.documentsPerSecond()));
        root.put("mb_per_second", Math.round(r.megabytesPerSecond() * 10) / 10.0);
        ObjectNode changes = root.putObject("changes");
        r.changes().forEach((type, c) -> {
            ObjectNode n = changes.putObject(type);
            n.put("added", c.added());
            n.put("changed", c.changed());
            n.put("unchanged", c.unchanged());
            n.put("removed", c.removed());
            n.put("invalid", c.invalid());
        });
        var t = r.total();
        ObjectNode total = root.putObject("total");
        total.put("added", t.added());
        total.put("changed", t.changed());
        total.put("unchanged", t.unchanged());
        total.put("removed", t.removed());
        total.put("invalid", t.invalid());
        ObjectNode proj = root.putObject("projections");
        r.projections().forEach(proj::put);
        var problems = root.putArray("problems");
        r.problems().forEach(p -> problems.addObject().put("where", p.where()).put("what", p.what()));
        var invalid = root.putArray("invalid");
        r.invalid().forEach(p -> invalid.addObject().put("where", p.where()).put("what", p.what()));
        if (r.failure() != null) {
            root.put("error", r.failure().getMessage());
            root.put("hint", r.failure().hint());
        }
        return root;
    }
}
