package dev.pokepedia.core;

import java.util.Objects;

/**
 * Where the database is, resolved once from flags and environment by {@link DatabaseLocator}.
 *
 * @param jdbcUrl  a {@code jdbc:postgresql://} URL without credentials
 * @param user     may be null (driver default)
 * @param password may be null; never printed
 * @param origin   how it was found, for logs and {@code doctor}
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, Origin origin) {

    public enum Origin { FLAG, ENVIRONMENT, LOCAL_SERVER, EMBEDDED, TEST }

    public DatabaseConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(origin, "origin");
    }

    /** The same server with another database name (used to create databases and by tests). */
    public DatabaseConfig withDatabase(String database) {
        return new DatabaseConfig(DatabaseUrl.replaceDatabase(jdbcUrl, database), user, password, origin);
    }

    /** A direct (unpooled) connection, for administrative one-off statements. */
    public java.sql.Connection connect() throws java.sql.SQLException {
        java.util.Properties props = new java.util.Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "2");
        return java.sql.DriverManager.getConnection(jdbcUrl, props);
    }

    @Override
    public String toString() {
        // why: configs get logged; the password must never reach a log line
        return "DatabaseConfig[" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "none" : "****")
                + ", origin=" + origin + "]";
    }
}
