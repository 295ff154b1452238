package dev.pokepedia.app;

import static dev.pokepedia.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.core.PokepediaException.ErrorCode;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on a real database: exit codes and what the user reads. */
class CliIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        return SharedData.repoRoot().resolve("corpus/src/test/resources/fixtures/" + name);
    }

    private String url() {
        return db.config().jdbcUrl();
    }

    @Test
    void import_then_verify_succeed_and_a_second_import_says_nothing_changed() throws Exception {
        CliRun first = run("import", "--db", url(), "--source", fixture("api-data-mini-2026-06-06.tar.gz").toString());
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).contains("change report").contains("pokemon ");

        CliRun verify = run("verify", "--db", url());
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("✓ counts").contains("✓ references").contains("✓ projections");

        CliRun again = run("import", "--db", url(), "--source", fixture("api-data-mini-2026-06-06.tar.gz").toString(), "--json");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("\"status\" : \"succeeded\"").contains("\"added\" : 0").contains("\"changed\" : 0");
    }

    @Test
    void an_import_into_an_unmigrated_database_migrates_it_while_reading_and_stores_every_document() throws Exception {
        try {
            String fresh = db.createSibling("unmigrated").jdbcUrl();
            CliRun imp = run("import", "--db", fresh, "--source", fixture("api-data-mini-2026-06-06.tar.gz").toString(), "--json");
            assertThat(imp.exit()).as(imp.err()).isZero();
            long added = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(imp.out())
                    .path("total").path("added").asLong();
            assertThat(added).isPositive();
            try (Connection c = java.sql.DriverManager.getConnection(fresh, "postgres", null); Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT (SELECT count(*) FROM pokeapi_resources),"
                            + " (SELECT count(*) FROM pokepedia_import_runs WHERE status = 'succeeded')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(added);
                assertThat(rs.getLong(2)).isEqualTo(1);
            }
        } finally {
            db.dropSibling("unmigrated");
        }
    }

    @Test
    void a_migration_that_fails_stops_the_import_before_anything_is_written_and_says_so() throws Exception {
        try {
            String broken = db.createSibling("broken").jdbcUrl();
            try (Connection c = java.sql.DriverManager.getConnection(broken, "postgres", null); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE pokeapi_resources (unrelated int)"); // the first migration cannot create it
            }
            CliRun imp = run("import", "--db", broken, "--source", fixture("api-data-mini-2026-06-06.tar.gz").toString());
            assertThat(imp.exit()).isNotZero();
            assertThat(imp.err()).contains("Migrating the database schema");
            assertThat(imp.out()).doesNotContain("change report");
            try (Connection c = java.sql.DriverManager.getConnection(broken, "postgres", null); Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM pokeapi_resources")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        } finally {
            db.dropSibling("broken");
        }
    }

    @Test
    void verify_exits_with_the_verification_code_and_names_the_dangling_reference() throws Exception {
        assertThat(run("import", "--db", url(), "--source", fixture("api-data-mini-2026-07-10.tar.gz").toString()).exit()).isZero();
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE pokeapi_resources SET data = jsonb_set(data, '{species,url}', '\"/api/v2/pokemon-species/77777/\"')"
                    + " WHERE resource_type = 'pokemon' AND resource_key = '6'");
        }
        CliRun verify = run("verify", "--db", url());
        assertThat(verify.exit()).isEqualTo(ErrorCode.VERIFICATION_FAILED.exitCode());
        assertThat(verify.out()).contains("✗ references").contains("/api/v2/pokemon-species/77777/ <- pokemon/6");
    }

    @Test
    void a_database_that_is_not_listening_is_reported_unreachable_within_seconds() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        long start = System.nanoTime();

        CliRun r = run("verify", "--db", "postgresql://nobody@127.0.0.1:" + closedPort + "/x");

        // why a bound and not a benchmark: the wait is a configured timeout (2 s), and it was 11-17 s
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(8));
        assertThat(r.exit()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE.exitCode());
    }

    @Test
    void doctor_right_after_sync_finds_the_default_schedules() {
        CliRun before = run("doctor", "--db", url());
        assertThat(before.out()).contains("✗ schedules");

        run("sync", "--db", url(), "--only", "data", "--source", fixture("api-data-mini-2026-07-10.tar.gz").toString());
        CliRun doctor = run("doctor", "--db", url());

        assertThat(doctor.out()).containsPattern("✓ schedules +3 default schedules").doesNotContain("(null)").doesNotContain(": null");
    }

    @Test
    void a_source_that_cannot_be_downloaded_prints_no_empty_change_report() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        CliRun r = run("import", "--db", url(), "--source", "http://127.0.0.1:" + closedPort + "/snapshot.tar.gz");

        assertThat(r.exit()).isEqualTo(ErrorCode.BAD_SOURCE.exitCode());
        assertThat(r.out()).doesNotContain("change report").doesNotContain("total");
    }

    @Test
    void a_missing_source_is_a_bad_source_as_the_readme_says() {
        CliRun r = run("import", "--db", url(), "--source", tmp.resolve("nope.tar.gz").toString());
        assertThat(r.exit()).isEqualTo(ErrorCode.BAD_SOURCE.exitCode());
    }

    @Test
    void a_truncated_archive_is_a_bad_source() throws Exception {
        byte[] full = Files.readAllBytes(fixture("api-data-mini-2026-07-10.tar.gz"));
        Path cut = tmp.resolve("cut.tar.gz");
        Files.write(cut, java.util.Arrays.copyOf(full, full.length / 2));
        CliRun r = run("import", "--db", url(), "--source", cut.toString());
        assertThat(r.exit()).isEqualTo(ErrorCode.BAD_SOURCE.exitCode());
    }

    @Test
    void an_empty_source_says_it_is_empty() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.tar.gz"));
        CliRun imp = run("import", "--db", url(), "--source", empty.toString());
        assertThat(imp.exit()).isEqualTo(ErrorCode.BAD_SOURCE.exitCode());
        assertThat(imp.err()).contains(empty + " is empty (0 bytes)").doesNotContain("(null)");

        Path emptyTgz = Files.createFile(tmp.resolve("cries.tgz"));
        CliRun media = run("media", "--db", url(), "--storage", tmp.resolve("storage").toUri().toString(),
                "--sprites-source", emptyTgz.toString(), "--cries-source", emptyTgz.toString());
        assertThat(media.exit()).isEqualTo(ErrorCode.BAD_SOURCE.exitCode());
        assertThat(media.err()).contains(emptyTgz + " is empty (0 bytes)");
    }

    @Test
    void every_command_has_help() {
        for (String cmd : new String[] {"import", "verify", "bench"}) {
            CliRun r = run(cmd, "--help");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("Usage: pokepedia " + cmd);
        }
    }
}
