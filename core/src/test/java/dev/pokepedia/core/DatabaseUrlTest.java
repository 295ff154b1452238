package dev.pokepedia.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void supabase_form_becomes_jdbc_with_separate_credentials() {
        DatabaseConfig c = DatabaseUrl.parse("postgresql://postgres.abc:s3cr%40t@db.example.supabase.co:6543/postgres?sslmode=require",
                DatabaseConfig.Origin.ENVIRONMENT);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.supabase.co:6543/postgres?sslmode=require");
        assertThat(c.user()).isEqualTo("postgres.abc");
        assertThat(c.password()).isEqualTo("s3cr@t");
    }

    @Test
    void default_port_and_database_are_filled_in() {
        DatabaseConfig c = DatabaseUrl.parse("postgres://me@localhost", DatabaseConfig.Origin.FLAG);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/postgres");
        assertThat(c.password()).isNull();
    }

    @Test
    void jdbc_urls_pass_through() {
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h:1/db", DatabaseConfig.Origin.FLAG).jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/db");
    }

    @Test
    void other_schemes_are_rejected_with_a_hint_and_no_password_in_the_message() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:hunter2@h/db", DatabaseConfig.Origin.FLAG))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(((PokepediaException) e).hint()).contains("postgresql://"));
    }

    @Test
    void passwords_are_masked_when_printed() {
        DatabaseConfig c = DatabaseUrl.parse("postgresql://u:hunter2@h/db", DatabaseConfig.Origin.FLAG);
        assertThat(c.toString()).doesNotContain("hunter2").contains("****");
        assertThat(DatabaseUrl.mask("postgresql://u:hunter2@h/db")).isEqualTo("postgresql://u:****@h/db");
    }

    @Test
    void switching_database_keeps_host_and_query() {
        DatabaseConfig c = DatabaseUrl.parse("jdbc:postgresql://h:5432/a?ssl=true", DatabaseConfig.Origin.FLAG).withDatabase("b");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/b?ssl=true");
    }
}
