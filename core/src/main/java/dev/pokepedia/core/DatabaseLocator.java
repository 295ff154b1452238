package dev.pokepedia.core;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the database, in this order: {@code --db}, {@code DATABASE_URL}, a server on localhost:5432 (honouring
 * PGHOST/PGPORT/PGUSER/PGPASSWORD; the database {@code pokepedia} is created if missing), an embedded Postgres
 * under the data directory (non-root users only: Postgres refuses to run as root), else a clear error.
 */
public final class DatabaseLocator {

    private static final Logger log = LoggerFactory.getLogger(DatabaseLocator.class);
    public static final String DEFAULT_DATABASE = "pokepedia";

    /** The resolved configuration plus whatever must be stopped when we are done (the embedded server). */
    public record Resolved(DatabaseConfig config, AutoCloseable owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned != null) {
                try {
                    owned.close();
                } catch (Exception e) {
                    log.warn("Stopping the embedded Postgres failed", e);
                }
            }
        }
    }

    private final Map<String, String> env;
    private final Path dataDir;
    private final String osUser;

    public DatabaseLocator(Map<String, String> env, Path dataDir, String osUser) {
        this.env = env;
        this.dataDir = dataDir;
        this.osUser = osUser;
    }

    public Resolved resolve(String dbFlag) {
        if (dbFlag != null && !dbFlag.isBlank()) {
            return new Resolved(DatabaseUrl.parse(dbFlag, DatabaseConfig.Origin.FLAG), null);
        }
        String fromEnv = env.get("DATABASE_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Resolved(DatabaseUrl.parse(fromEnv, DatabaseConfig.Origin.ENVIRONMENT), null);
        }
        List<String> tried = new ArrayList<>();
        String host = env.getOrDefault("PGHOST", "127.0.0.1");
        String port = env.getOrDefault("PGPORT", "5432");
        String user = env.getOrDefault("PGUSER", "postgres");
        DatabaseConfig server = new DatabaseConfig("jdbc:postgresql://" + (host.startsWith("/") ? "127.0.0.1" : host) + ":" + port + "/postgres",
                user, env.get("PGPASSWORD"), DatabaseConfig.Origin.LOCAL_SERVER);
        try {
            ensureDatabase(server, env.getOrDefault("PGDATABASE", DEFAULT_DATABASE));
            return new Resolved(server.withDatabase(env.getOrDefault("PGDATABASE", DEFAULT_DATABASE)), null);
        } catch (SQLException e) {
            tried.add("a server at " + host + ":" + port + " as '" + user + "' (" + firstLine(e.getMessage()) + ")");
        }
        if (!"root".equals(osUser)) {
            return startEmbedded();
        }
        tried.add("an embedded Postgres (not possible as root: Postgres refuses to run as root)");
        throw new DatabaseUnavailableException("No PostgreSQL database found. Tried --db, DATABASE_URL, " + String.join(", ", tried) + ".",
                "Set DATABASE_URL=postgresql://user:password@host:5432/db (or pass --db), or start the local server, e.g. "
                        + "'pg_ctlcluster --skip-systemctl-redirect 15 main start', or run as a non-root user to use the embedded one.",
                null);
    }

    /** Creates {@code database} on the server of {@code admin} if it does not exist yet. */
    public static void ensureDatabase(DatabaseConfig admin, String database) throws SQLException {
        try (Connection c = admin.connect();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (var st = c.createStatement()) {
                st.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
                log.info("Created database {}", database);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // why: another process may have created it meanwhile
                    throw e;
                }
            }
        }
    }

    private Resolved startEmbedded() {
        Path dir = dataDir.resolve("postgres");
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .start();
            DatabaseConfig admin = new DatabaseConfig(pg.getJdbcUrl("postgres", "postgres"), "postgres", null, DatabaseConfig.Origin.EMBEDDED);
            ensureDatabase(admin, DEFAULT_DATABASE);
            log.info("Using an embedded Postgres with data in {}", dir);
            return new Resolved(admin.withDatabase(DEFAULT_DATABASE), pg);
        } catch (IOException | SQLException e) {
            throw new DatabaseUnavailableException("Could not start an embedded Postgres in " + dir + ": " + e.getMessage(),
                    "Set DATABASE_URL to an existing server, or remove " + dir + " if it is corrupt.", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no answer";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
