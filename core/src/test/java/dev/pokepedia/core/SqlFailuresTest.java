package dev.pokepedia.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.core.PokepediaException.ErrorCode;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "08003", "57P01", "57P02", "57P03", "53300"})
    void connection_loss_shutdown_and_too_many_connections_are_unavailable(String state) {
        PokepediaException e = SqlFailures.classify("reading the schedules", new SQLException("gone", state));

        assertThat(e).isInstanceOf(DatabaseUnavailableException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
        assertThat(e.code().exitCode()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith("reading the schedules failed: the database is unavailable").contains(state);
        assertThat(e.hint()).contains("Check that the server is running");
    }

    @Test
    void a_refused_connection_without_sqlstate_is_unavailable() {
        SQLException refused = new SQLException("Connection refused", (String) null, new ConnectException("Connection refused"));

        assertThat(SqlFailures.family(refused)).isEqualTo(SqlFailures.Family.UNAVAILABLE);
    }

    @Test
    void a_pool_timeout_and_a_closed_pool_are_unavailable() {
        assertThat(SqlFailures.family(new SQLTransientConnectionException("pokepedia - Connection is not available")))
                .isEqualTo(SqlFailures.Family.UNAVAILABLE);
        assertThat(SqlFailures.family(new SQLException("HikariDataSource HikariDataSource (pokepedia) has been closed.")))
                .isEqualTo(SqlFailures.Family.UNAVAILABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01", "55P03"})
    void serialization_failures_deadlocks_and_lock_timeouts_are_transient_and_retriable(String state) {
        PokepediaException e = SqlFailures.classify("storing 3 documents", new SQLException("deadlock detected", state));

        assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
        assertThat(e.code().retriable()).isTrue();
        assertThat(e.code().exitCode()).isNotIn(0, 1, 3);
        assertThat(e.getMessage()).contains("storing 3 documents failed", "deadlock detected", state);
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "42P01", "42703", "22P02", "XX000"})
    void everything_else_is_a_bug_with_what_the_sqlstate_and_the_server_message(String state) {
        SQLException cause = new SQLException("ERROR: duplicate key value violates unique constraint \"x\"\n  Detail: Key (a)=(1) already exists.", state);

        PokepediaException e = SqlFailures.classify("recording the schedule result", cause);

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.code().exitCode()).isEqualTo(1);
        assertThat(e.code().retriable()).isFalse();
        assertThat(e.getMessage())
                .isEqualTo("recording the schedule result failed: ERROR: duplicate key value violates unique constraint \"x\", SQLSTATE " + state);
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(e.hint()).doesNotContain("server is running");
    }

    @Test
    void a_bug_without_sqlstate_or_io_cause_is_still_a_bug() {
        assertThat(SqlFailures.family(new SQLException("bad parameter index"))).isEqualTo(SqlFailures.Family.BUG);
    }

    @Test
    void another_run_holding_the_lock_is_a_conflict_not_a_configuration_error() {
        PokepediaException e = SqlFailures.conflict("Another import is running against this database", "Wait for it");

        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(e.code()).isNotEqualTo(ErrorCode.CONFIGURATION);
        assertThat(e.code().retriable()).isTrue();
    }
}
