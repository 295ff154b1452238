package dev.pokepedia.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseLocatorIT {

    @TempDir
    Path dataDir;

    private static Map<String, String> serverEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", System.getenv().getOrDefault("PGHOST", "127.0.0.1"));
        env.put("PGPORT", System.getenv().getOrDefault("PGPORT", "5432"));
        env.put("PGUSER", System.getenv().getOrDefault("PGUSER", "postgres"));
        return env;
    }

    @Test
    void local_server_is_used_and_the_database_created_when_missing() throws Exception {
        Map<String, String> env = serverEnv();
        String name = "t_locator_" + UUID.randomUUID().toString().substring(0, 8);
        env.put("PGDATABASE", name);
        try (var resolved = new DatabaseLocator(env, dataDir, "root").resolve(null)) {
            assertThat(resolved.config().origin()).isEqualTo(DatabaseConfig.Origin.LOCAL_SERVER);
            assertThat(resolved.config().jdbcUrl()).endsWith("/" + name);
            try (Database db = Database.open(resolved.config(), 2).migrate(); Connection c = db.connection();
                 var rs = c.createStatement().executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("Flyway ran in the created database").isTrue();
            }
        } finally {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + env.get("PGHOST") + ":" + env.get("PGPORT") + "/postgres",
                    env.get("PGUSER"), null)) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    @Test
    void flag_wins_over_environment() {
        Map<String, String> env = serverEnv();
        env.put("DATABASE_URL", "postgresql://env@envhost/envdb");
        var resolved = new DatabaseLocator(env, dataDir, "root").resolve("postgresql://flag@flaghost/flagdb");
        assertThat(resolved.config().origin()).isEqualTo(DatabaseConfig.Origin.FLAG);
        assertThat(resolved.config().jdbcUrl()).contains("flaghost");
    }

    @Test
    void no_server_as_root_gives_an_error_that_says_how_to_fix_it() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", "1"); // nothing listens there
        assertThatThrownBy(() -> new DatabaseLocator(env, dataDir, "root").resolve(null))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageContaining("root")
                .satisfies(e -> assertThat(((PokepediaException) e).hint()).contains("DATABASE_URL"));
    }
}
