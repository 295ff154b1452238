package dev.pokepedia.core;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A pooled connection to our database with the schema migrated. Every module contributes its own migrations under
 * {@code classpath:db/migration}; versions are unique across modules (V1xx corpus, V2xx media, …).
 */
public final class Database implements AutoCloseable {

    private final DatabaseConfig config;
    private final HikariDataSource pool;

    private Database(DatabaseConfig config, HikariDataSource pool) {
        this.config = config;
        this.pool = pool;
    }

    public static Database open(DatabaseConfig config, int maxPoolSize) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        hc.setMaximumPoolSize(maxPoolSize);
        // why 1: Hikari opens a connection at start to fail fast; with no idle minimum it closes that one again and
        // the first query of every command paid for a second connection set-up
        hc.setMinimumIdle(1);
        hc.setPoolName("pokepedia");
        hc.setConnectionTimeout(10_000);
        // why 2 s: a database that is not there should be said within seconds (it took 11-17 s), while a server
        // that is just starting still gets a retry or two
        hc.setInitializationFailTimeout(2_000);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("connectTimeout", "2"); // seconds; a host that drops packets fails as fast as a refusal
        try {
            return new Database(config, new HikariDataSource(hc));
        } catch (HikariPool.PoolInitializationException e) {
            throw unavailable(config, e);
        }
    }

    /** The most connections this pool opens (a caller that fans out over connections stays within it). */
    public int maxConnections() {
        return pool.getMaximumPoolSize();
    }

    /** Applies pending migrations; safe to call from several processes at once (Flyway locks). */
    /**
     * Whether the schema already is what this build's migrations make (the quick check {@link #migrate} starts with);
     * false when it cannot tell, or when migrations are pending.
     */
    public boolean schemaIsCurrent() {
        String fingerprint = MigrationFingerprint.ofClasspath(Database.class.getClassLoader());
        return fingerprint != null
                && withConnection("checking the applied migrations", c -> MigrationFingerprint.matches(c, fingerprint));
    }

    public Database migrate() {
        String fingerprint = MigrationFingerprint.ofClasspath(Database.class.getClassLoader());
        if (fingerprint != null) {
            if (withConnection("checking the applied migrations", c -> MigrationFingerprint.matches(c, fingerprint))) {
                return this;
            }
        }
        try {
            flyway().migrate();
            if (fingerprint != null) {
                withConnection("remembering the applied migrations", c -> {
                    MigrationFingerprint.remember(c, fingerprint);
                    return null;
                });
            }
            return this;
        } catch (FlywayException e) {
            throw new PokepediaException(PokepediaException.ErrorCode.DATABASE_UNAVAILABLE,
                    "Migrating the database schema at " + config.jdbcUrl() + " failed: " + e.getMessage(),
                    e.getMessage() != null && e.getMessage().contains("checksum mismatch")
                            ? "This database was migrated by a different build of pokepedia; use a matching build, or a fresh database"
                            : "Check that the database user may create tables and functions in this database.", e);
        }
    }

    /** Migrations on the classpath not yet applied to this database ("version description"). */
    public java.util.List<String> pendingMigrations() {
        try {
            return java.util.Arrays.stream(flyway().info().pending()).map(i -> i.getVersion() + " " + i.getDescription()).toList();
        } catch (FlywayException e) {
            throw unavailable(config, e);
        }
    }

    private Flyway flyway() {
        // why outOfOrder: each module owns a version range (V1xx corpus … V5xx server), so a module's new migration can
        // sort below one another module already applied; it must still run rather than fail validation
        return Flyway.configure().dataSource(pool).locations("classpath:db/migration").outOfOrder(true).load();
    }

    public DataSource dataSource() {
        return pool;
    }

    public DatabaseConfig config() {
        return config;
    }

    /** A piece of JDBC work on one connection; may throw {@link SQLException}, which the runner classifies. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection (auto-commit) and returns its result; a {@link SQLException} becomes
     * the exception {@link SqlFailures#classify} chooses, naming {@code what} ("reading the schedules").
     */
    public <T> T withConnection(String what, Work<T> work) {
        return withConnection(pool, what, work);
    }

    /** Like {@link #withConnection} but in one transaction: committed when {@code work} returns, rolled back otherwise. */
    public <T> T inTransaction(String what, Work<T> work) {
        return inTransaction(pool, what, work);
    }

    /** {@link #withConnection(String, Work)} for code that holds only a {@link DataSource}. */
    public static <T> T withConnection(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw SqlFailures.classify(what, e);
        }
    }

    /** {@link #inTransaction(String, Work)} for code that holds only a {@link DataSource}. */
    public static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlFailures.classify(what, e);
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException rollback) {
            // why: the connection is usually gone; the original failure is what the caller needs to see
            cause.addSuppressed(rollback);
        }
    }

    public Connection connection() {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw unavailable(config, e);
        }
    }

    public static DatabaseUnavailableException unavailable(DatabaseConfig config, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "3D000".equals(s.getSQLState())) {
                return new DatabaseUnavailableException("Database " + config.jdbcUrl() + " does not exist",
                        "Create it first (e.g. createdb), or point --db / DATABASE_URL at an existing database", e);
            }
        }
        return new DatabaseUnavailableException("Database " + config.jdbcUrl() + " is unreachable: " + e.getMessage(),
                "Check that the server is running and the URL is right; rerun to resume where the work stopped.", e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
