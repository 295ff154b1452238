package dev.pokepedia.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A SHA-256 over every migration script on the classpath (its name, and its CRC-32 and size from a jar's directory or
 * the bytes of a loose file), remembered in the comment of Flyway's history table after a successful migrate. When the
 * database carries this build's fingerprint its schema is current, and a command can skip Flyway's start-up and
 * validation (about a third of a second on every run).
 */
final class MigrationFingerprint {

    private static final String LOCATION = "db/migration";
    private static final String PREFIX = "pokepedia-migrations:";

    private MigrationFingerprint() {
    }

    /** This build's fingerprint; null when the scripts cannot be listed (then Flyway always runs). */
    static String ofClasspath(ClassLoader loader) {
        try {
            Map<String, byte[]> scripts = new TreeMap<>();
            for (URL url : Collections.list(loader.getResources(LOCATION))) {
                switch (url.getProtocol()) {
                    case "jar" -> readJar(url, scripts);
                    case "file" -> readFolder(Path.of(url.toURI()), scripts);
                    default -> {
                        return null;
                    }
                }
            }
            if (scripts.isEmpty()) {
                return null;
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (var e : scripts.entrySet()) {
                sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(e.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException | URISyntaxException | NoSuchAlgorithmException | UncheckedIOException e) {
            return null;
        }
    }

    private static void readJar(URL url, Map<String, byte[]> into) throws IOException {
        JarURLConnection c = (JarURLConnection) url.openConnection();
        c.setUseCaches(false);
        try (JarFile jar = c.getJarFile()) {
            for (JarEntry e : Collections.list(jar.entries())) {
                if (!e.isDirectory() && e.getName().startsWith(LOCATION + "/") && e.getName().endsWith(".sql")) {
                    // why: the jar's directory already holds each script's CRC-32 and size; reading and inflating
                    // every script on every command only to hash it cost more than the check saves
                    into.put(e.getName(), (e.getCrc() + ":" + e.getSize()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
        }
    }

    private static void readFolder(Path dir, Map<String, byte[]> into) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                into.put(LOCATION + "/" + p.getFileName(), Files.readAllBytes(p));
            }
        }
    }

    /** Whether the database was last migrated by a build with this fingerprint. */
    static boolean matches(Connection c, String fingerprint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT obj_description(to_regclass('flyway_schema_history'), 'pg_class') = ?")) {
            ps.setString(1, PREFIX + fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    static void remember(Connection c, String fingerprint) throws SQLException {
        try (Statement st = c.createStatement()) {
            // why a comment, not a table: every table is Flyway's; this is only a cache of "Flyway found nothing to do"
            st.execute("COMMENT ON TABLE flyway_schema_history IS '" + PREFIX + fingerprint + "'");
        }
    }
}
