package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.core.PokepediaException.ErrorCode;
import dev.pokepedia.testkit.FreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** How a command reports SQL failures: a statement that cannot succeed is a bug, a lost session is "unavailable". */
class DatabaseFailuresIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @TempDir
    Path tmp;

    @Test
    void a_duplicate_key_in_a_command_is_reported_as_a_bug_with_its_sqlstate_not_as_an_unreachable_database() throws Exception {
        db.database().migrate();
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            // why: the schedules' own ON CONFLICT (name) cannot absorb a clash on another unique index, as a schema bug would not be
            st.execute("DELETE FROM pokepedia_schedules");
            st.execute("CREATE UNIQUE INDEX schedules_one_enabled ON pokepedia_schedules (enabled)");
        }

        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliRun run;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            run = CliRun.run("schedules", "--db", db.config().jdbcUrl(), "--storage", tmp.toUri().toString());
        } finally {
            System.setErr(oldErr);
        }
        String printed = err.toString(StandardCharsets.UTF_8);

        assertThat(run.exit()).as(printed).isEqualTo(ErrorCode.INTERNAL.exitCode()).isNotEqualTo(ErrorCode.DATABASE_UNAVAILABLE.exitCode());
        assertThat(printed).contains("updating the schedules failed", "duplicate key value violates unique constraint", "SQLSTATE 23505")
                .doesNotContain("unreachable").doesNotContain("server is running");
    }

    @Test
    void a_session_killed_by_pg_terminate_backend_is_reported_as_unavailable() {
        assertThatThrownBy(() -> db.database().withConnection("counting the schedules", c -> {
            int pid;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            try (Connection other = db.database().connection(); Statement st = other.createStatement()) {
                st.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            try (Statement st = c.createStatement()) {
                st.executeQuery("SELECT count(*) FROM pokepedia_schedules");
            }
            return null;
        }))
                .isInstanceOf(PokepediaException.class)
                .satisfies(e -> {
                    PokepediaException p = (PokepediaException) e;
                    assertThat(p.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
                    assertThat(p.code().exitCode()).isEqualTo(3);
                    assertThat(p.getMessage()).startsWith("counting the schedules failed: the database is unavailable");
                    assertThat(p.hint()).contains("Check that the server is running");
                });
    }
}
