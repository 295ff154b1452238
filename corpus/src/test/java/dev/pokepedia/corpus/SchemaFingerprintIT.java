package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Database.migrate skips Flyway when the database carries this build's migration fingerprint, and only then. */
class SchemaFingerprintIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static String one(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void aCurrentSchemaSkipsFlywayAndAChangedFingerprintRunsIt() throws Exception {
        String remembered = one("SELECT obj_description('flyway_schema_history'::regclass)");
        assertThat(remembered).startsWith("pokepedia-migrations:").hasSize("pokepedia-migrations:".length() + 64);

        // forget one applied migration in Flyway's history: only a Flyway run would notice (and try to apply it again)
        exec("DELETE FROM flyway_schema_history WHERE version = '101'");
        try (Database again = Database.open(db.config(), 2)) {
            again.migrate();
        }
        assertThat(one("SELECT count(*) FROM flyway_schema_history WHERE version = '101'")).isEqualTo("0");

        exec("COMMENT ON TABLE flyway_schema_history IS 'pokepedia-migrations:another-build'");
        try (Database again = Database.open(db.config(), 2)) {
            assertThatThrownBy(again::migrate).isInstanceOf(PokepediaException.class).hasMessageContaining("101");
        }
    }
}
