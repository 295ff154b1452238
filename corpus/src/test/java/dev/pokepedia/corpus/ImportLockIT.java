package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One import per database at a time (a session advisory lock). Each test imports through its own connection pool,
 * closed afterwards, so a lock left on a pooled connection cannot leak into another test.
 */
class ImportLockIT {

    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext('pokepedia:import'))";

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private Database pool;

    @BeforeEach
    void openPool() {
        Rows.reset(db.database());
        pool = Database.open(db.config(), 4);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void import_is_refused_while_another_session_holds_the_import_lock() throws SQLException {
        try (Connection other = otherSession(); Statement st = other.createStatement()) {
            assertThat(tryLock(st)).as("precondition: nobody holds the import lock").isTrue();

            assertThatThrownBy(() -> Imports.archive(pool, Fixtures.mini0606()))
                    .isInstanceOf(PokepediaException.class)
                    .hasMessageContaining("Another import is running")
                    .extracting(e -> ((PokepediaException) e).code()).isEqualTo(PokepediaException.ErrorCode.CONFLICT);
            assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources")).isZero();
            assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokepedia_import_runs")).isZero();
        }
    }

    @Test
    void dry_run_does_not_need_the_import_lock() throws SQLException {
        try (Connection other = otherSession(); Statement st = other.createStatement()) {
            assertThat(tryLock(st)).as("precondition: nobody holds the import lock").isTrue();

            ImportReport dry = Imports.run(pool, ImportOptions.of(new SnapshotSource.Archive(Fixtures.mini0606())).withDryRun(true));

            assertThat(dry.failure()).isNull();
            assertThat(dry.total().added()).isEqualTo(Fixtures.documentIds(Fixtures.mini0606()).size());
        }
    }

    @Test
    void import_lock_is_released_when_the_run_ends() throws SQLException {
        ImportReport report = Imports.archive(pool, Fixtures.mini0606());
        assertThat(report.failure()).isNull();

        try (Connection other = otherSession(); Statement st = other.createStatement()) {
            assertThat(tryLock(st)).as("another session can take the import lock once the import finished").isTrue();
        }
    }

    private static boolean tryLock(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery(TRY_LOCK)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** A connection outside any pool, as another process would have. */
    private static Connection otherSession() throws SQLException {
        return db.config().connect();
    }
}
