package dev.pokepedia.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.core.PokepediaException.ErrorCode;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PokepediaExceptionTest {

    @Test
    void classifiedFailuresAreExpectedAndBugsAreNotSoCatchAllsKeepTheirStackTrace() {
        assertThat(PokepediaException.isExpected(new DatabaseUnavailableException("gone", "", null))).isTrue();
        assertThat(PokepediaException.isExpected(new PokepediaException(ErrorCode.CONFLICT, "locked", "", null))).isTrue();
        assertThat(PokepediaException.isExpected(new SQLException("connection lost", "08006"))).isTrue();
        assertThat(PokepediaException.isExpected(new SQLException("deadlock", "40P01"))).isTrue();

        assertThat(PokepediaException.isExpected(new PokepediaException(ErrorCode.INTERNAL, "bug", "", null))).isFalse();
        assertThat(PokepediaException.isExpected(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(PokepediaException.isExpected(new IllegalStateException("bug"))).isFalse();
    }
}
