package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import in another JVM is killed with SIGKILL mid-run; a rerun must finish the job and leave exactly what a clean
 * import leaves. Uses the real 2026-07-10 snapshot (15k documents) so the child is reliably caught mid-stream.
 */
class KillAndRerunIT {

    private static final String CHILD_APP = "pokepedia-kill-child";
    /** Kill once this many documents are committed: deep enough into the run that many batches have been committed. */
    private static final long KILL_AFTER_ROWS = 300;
    /** Canonical JSON bytes per batch in the child: about one commit per document. */
    private static final long CHILD_BATCH_BYTES = 4096;

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @TempDir
    Path tmp;

    @Test
    void import_killed_mid_run_resumes_on_rerun_and_ends_like_a_clean_import() throws Exception {
        Path archive = SharedData.require("api-data-2026-07-10.tar.gz");
        long total = Fixtures.documentIds(archive).size();
        Path log = tmp.resolve("child.log");

        Process child = startChild(archive, log);
        try {
            await("the child commits its first batches").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(25))
                    .until(() -> !child.isAlive() || rows() >= KILL_AFTER_ROWS);
            assertThat(child.isAlive()).as("the child is still importing when killed; its log:%n%s", read(log)).isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        // the server ends the dead client's session: the batch in flight rolls back, the import lock is released
        await("the child's database sessions end").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Rows.count(db.database(), "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", CHILD_APP) == 0);
        long committed = rows();
        assertThat(committed).as("committed before the kill").isBetween(KILL_AFTER_ROWS, total - 1);
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources WHERE deleted_at IS NOT NULL")).isZero();

        ImportReport rerun = Imports.archive(db.database(), archive);

        assertThat(rerun.failure()).isNull();
        assertThat(rerun.problems()).isEmpty();
        ChangeCounts t = rerun.total();
        assertThat(t.added()).as("added = documents not committed before the kill").isEqualTo(total - committed);
        assertThat(t.unchanged()).as("unchanged = documents committed before the kill").isEqualTo(committed);
        assertThat(t.changed()).isZero();
        assertThat(t.removed()).isZero();
        assertThat(t.added() + t.unchanged()).isEqualTo(total);
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokepedia_projection_pending")).isZero();

        Imports.Clean clean = Imports.cleanImport(db, archive);
        assertThat(clean.report().failure()).isNull();
        assertThat(clean.report().total().added()).isEqualTo(total);
        assertThat(Rows.liveShas(db.database())).isEqualTo(clean.liveShas());
        assertThat(Rows.projectionDigests(db.database())).isEqualTo(clean.projectionDigests());
        assertThat(Rows.endpoints(db.database())).isEqualTo(clean.endpoints());

        List<Map<String, Object>> runs = new ArrayList<>();
        Rows.query(db.database(), "SELECT status, error FROM pokepedia_import_runs ORDER BY id",
                rs -> runs.add(Map.of("status", rs.getString(1), "error", String.valueOf(rs.getString(2)))));
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).as("the killed run").containsEntry("status", "failed");
        assertThat((String) runs.get(0).get("error")).contains("interrupted");
        assertThat(runs.get(1)).as("the rerun").containsEntry("status", "succeeded");
    }

    private static long rows() {
        return Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources");
    }

    private static Process startChild(Path archive, Path log) throws IOException {
        String url = db.config().jdbcUrl();
        url += (url.contains("?") ? "&" : "?") + "ApplicationName=" + CHILD_APP;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                ImportMain.class.getName(), url, db.config().user() == null ? "" : db.config().user(), archive.toString(), String.valueOf(CHILD_BATCH_BYTES));
        if (db.config().password() != null) {
            pb.environment().put("POKEPEDIA_CHILD_DB_PASSWORD", db.config().password());
        }
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
