package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.snapshotserver.ServerOptions;
import dev.pokepedia.snapshotserver.SnapshotServer;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SharedData;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three `pokepedia work --drain` processes against one database; one is killed with SIGKILL mid-batch and every
 * connection of the others is terminated (a database restart as they see it). Every message is processed, no
 * document or asset is written twice.
 */
class ScaleOutIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @TempDir
    Path tmp;

    private static final Path FIXTURE = SharedData.repoRoot().resolve("corpus/src/test/resources/fixtures/api-data-mini-2026-07-10.tar.gz");
    private static final Path MEDIA = SharedData.repoRoot().resolve("media/src/test/resources/fixtures/media");

    private Process worker(String base, int n) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "work", "--drain", "--db", db.config().jdbcUrl(), "--from", base, "--concurrency", "4", "--visibility-timeout", "3",
                "--storage", tmp.resolve("storage").toUri().toString(),
                "--sprites-source", MEDIA.resolve("sprites-mini").toString(), "--cries-source", MEDIA.resolve("cries-mini").toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("worker-" + n + ".log").toFile()).start();
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void exec(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void threeWorkersProcessEverythingOnceEvenWhenOneIsKilledAndTheDatabaseDropsTheirConnections() throws Exception {
        exec("""
                CREATE TABLE doc_writes (k text);
                CREATE FUNCTION log_doc_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO doc_writes VALUES (NEW.resource_type || '/' || NEW.resource_key); RETURN NEW; END $$;
                CREATE TRIGGER doc_writes AFTER INSERT OR UPDATE ON pokeapi_resources FOR EACH ROW EXECUTE FUNCTION log_doc_write();
                CREATE TABLE asset_stores (k text);
                CREATE FUNCTION log_asset_store() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO asset_stores VALUES (NEW.bucket || '/' || NEW.path); RETURN NEW; END $$;
                CREATE TRIGGER asset_stores AFTER UPDATE ON pokepedia_assets FOR EACH ROW
                    WHEN (NEW.status = 'stored' AND OLD.status IS DISTINCT FROM 'stored') EXECUTE FUNCTION log_asset_store();""");
        // why latency: handlers are in flight when the kill lands, so it interrupts claimed, unfinished work
        ServerOptions slow = ServerOptions.defaults().withLatency(Duration.ofMillis(40));
        try (SnapshotServer server = SnapshotServer.start(new SnapshotSource.Archive(FIXTURE), slow)) {
            String base = server.baseUri().toString().replaceAll("/$", "");
            assertThat(Main.run("seed", "--db", db.config().jdbcUrl(), "--from", base, "--storage", tmp.resolve("storage").toUri().toString()))
                    .isZero();
            long documents = count("SELECT queue_length FROM pokepedia_queue_metrics('pokepedia_ingest')");
            assertThat(documents).isGreaterThan(50);

            List<Process> workers = List.of(worker(base, 0), worker(base, 1), worker(base, 2));
            try {
                // why 120 s: three JVMs start first; on a loaded 2-core machine that alone took most of a minute
                await().atMost(Duration.ofSeconds(120)).until(() -> count("SELECT count(*) FROM doc_writes") >= 10);
                workers.get(0).destroyForcibly(); // SIGKILL: no shutdown hook, claimed messages stay claimed
                workers.get(0).waitFor(10, TimeUnit.SECONDS);
                exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");

                for (int i = 1; i < 3; i++) {
                    assertThat(workers.get(i).waitFor(120, TimeUnit.SECONDS)).as(log(i)).isTrue();
                    assertThat(workers.get(i).exitValue()).as(log(i)).isZero();
                }
            } finally {
                workers.forEach(Process::destroyForcibly);
            }
            // the killed worker's follow-up (sprite messages of its last documents) is what the hourly schedule sweeps up
            assertThat(Main.run("schedules", "run", "retry-failed-assets", "--db", db.config().jdbcUrl())).isZero();
            Process last = worker(base, 3);
            assertThat(last.waitFor(120, TimeUnit.SECONDS)).as(log(3)).isTrue();

            assertThat(count("SELECT count(*) FROM pokeapi_resources WHERE deleted_at IS NULL")).isEqualTo(documents);
            assertThat(count("SELECT count(*) FROM (SELECT k FROM doc_writes GROUP BY k HAVING count(*) > 1) twice")).isZero();
            assertThat(count("SELECT count(DISTINCT k) FROM doc_writes")).isEqualTo(documents);
            assertThat(count("SELECT count(*) FROM (SELECT k FROM asset_stores GROUP BY k HAVING count(*) > 1) twice")).isZero();
            assertThat(count("SELECT count(*) FROM pokepedia_assets WHERE status = 'stored'")).isPositive()
                    .isEqualTo(count("SELECT count(DISTINCT k) FROM asset_stores"));
            assertThat(count("SELECT count(*) FROM pokepedia_assets WHERE status IN ('pending', 'failed')")).isZero();
            assertThat(count("SELECT sum(depth) + sum(dead_letters) FROM get_pokepedia_queue_stats()")).isZero();
            assertThat(count("SELECT count(*) FROM pokepedia_projection_pending")).isZero();
        }
    }

    private String log(int n) {
        try {
            File f = tmp.resolve("worker-" + n + ".log").toFile();
            return f.exists() ? "worker " + n + " log:\n" + Files.readString(f.toPath()) : "no log";
        } catch (Exception e) {
            return "log unreadable: " + e;
        }
    }
}
