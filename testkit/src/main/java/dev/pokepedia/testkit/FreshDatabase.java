package dev.pokepedia.testkit;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.DatabaseLocator;
import dev.pokepedia.core.DatabaseUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class its own freshly created, migrated database on the real Postgres server
 * (127.0.0.1:5432 as postgres, or DATABASE_URL / PGHOST / PGPORT / PGUSER), dropped afterwards.
 * Register with {@code @RegisterExtension static FreshDatabase db = new FreshDatabase();}.
 */
public final class FreshDatabase implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private DatabaseConfig admin;
    private String name;
    private Database database;

    /** The admin connection of the test server, from the environment. */
    public static DatabaseConfig serverConfig(Map<String, String> env) {
        String url = env.get("DATABASE_URL");
        if (url != null && !url.isBlank()) {
            return DatabaseUrl.parse(url, DatabaseConfig.Origin.TEST);
        }
        return new DatabaseConfig("jdbc:postgresql://" + env.getOrDefault("PGHOST", "127.0.0.1") + ":"
                + env.getOrDefault("PGPORT", "5432") + "/postgres", env.getOrDefault("PGUSER", "postgres"),
                env.get("PGPASSWORD"), DatabaseConfig.Origin.TEST);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        admin = serverConfig(System.getenv());
        String cls = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        name = "t_" + cls.substring(0, Math.min(30, cls.length())) + "_" + UUID.randomUUID().toString().substring(0, 8);
        DatabaseLocator.ensureDatabase(admin, name);
        database = Database.open(config(), 8).migrate();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (database != null) {
            database.close();
        }
        drop(admin, name);
    }

    /** Creates another empty (unmigrated) database on the same server; dropped by the caller via {@link #drop}. */
    public DatabaseConfig createSibling(String suffix) throws SQLException {
        String sibling = name + "_" + suffix;
        DatabaseLocator.ensureDatabase(admin, sibling);
        return admin.withDatabase(sibling);
    }

    public void dropSibling(String suffix) throws SQLException {
        drop(admin, name + "_" + suffix);
    }

    private static void drop(DatabaseConfig admin, String db) throws SQLException {
        try (Connection c = admin.connect(); var st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
        }
    }

    public DatabaseConfig config() {
        return admin.withDatabase(name);
    }

    public Database database() {
        return database;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == Database.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return database;
    }
}
