package dev.pokepedia.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Parses the two URL shapes users paste: Supabase's {@code postgresql://user:pass@host:port/db} and JDBC URLs. */
public final class DatabaseUrl {

    private DatabaseUrl() {
    }

    public static DatabaseConfig parse(String url, DatabaseConfig.Origin origin) {
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:postgresql:")) {
            return new DatabaseConfig(trimmed, null, null, origin);
        }
        if (!(trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://"))) {
            throw new ConfigurationException("Unrecognised database URL '" + mask(trimmed) + "'",
                    "Use postgresql://user:password@host:5432/database (as Supabase shows it) or jdbc:postgresql://host:5432/database");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("Malformed database URL '" + mask(trimmed) + "': " + e.getReason(),
                    "Percent-encode special characters in the password (e.g. @ as %40)");
        }
        if (uri.getHost() == null) {
            throw new ConfigurationException("Database URL '" + mask(trimmed) + "' has no host",
                    "Write it as postgresql://user:password@host:5432/database");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String db = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "postgres" : decode(uri.getRawPath().substring(1));
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + db
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DatabaseConfig(jdbc, user, password, origin);
    }

    static String replaceDatabase(String jdbcUrl, String database) {
        int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        if (slash < 0) {
            return jdbcUrl + "/" + database;
        }
        int query = jdbcUrl.indexOf('?', slash);
        return jdbcUrl.substring(0, slash + 1) + database + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    /** The URL with any password replaced by ****, safe to print. */
    public static String mask(String url) {
        return url.replaceAll("(://[^:/@]+:)[^@]*@", "$1****@").replaceAll("(?i)(password=)[^&]*", "$1****");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
