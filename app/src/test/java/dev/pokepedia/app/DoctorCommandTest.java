package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    @Test
    void a_failure_without_a_message_is_described_by_its_cause_or_its_kind_never_null() {
        assertThat(DoctorCommand.describe(new IOException(null, new ConnectException("Connection refused"))))
                .isEqualTo("Connection refused");
        assertThat(DoctorCommand.describe(new ConnectException())).isEqualTo("connect exception");
    }
}
