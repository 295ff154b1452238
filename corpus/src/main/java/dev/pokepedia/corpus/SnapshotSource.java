package dev.pokepedia.corpus;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where an api-data snapshot comes from: a folder, a {@code .tar.gz} in GitHub-archive layout, or an http(s) URL of one. */
public sealed interface SnapshotSource {

    /** Upstream PokeAPI/api-data, default branch, as GitHub serves the archive. */
    String UPSTREAM = "https://github.com/PokeAPI/api-data/archive/refs/heads/master.tar.gz";

    String describe();

    record Folder(Path path) implements SnapshotSource {
        public String describe() {
            return path.toString();
        }
    }

    record Archive(Path path) implements SnapshotSource {
        public String describe() {
            return path.toString();
        }
    }

    record Url(URI uri) implements SnapshotSource {
        public String describe() {
            return uri.toString();
        }
    }

    /** Reads what a user typed after {@code --source}. */
    static SnapshotSource parse(String text) {
        if (text == null || text.isBlank()) {
            return new Url(URI.create(UPSTREAM));
        }
        if (text.startsWith("http://") || text.startsWith("https://")) {
            try {
                return new Url(URI.create(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("Malformed source URL '" + text + "': " + e.getMessage(),
                        "Give an http(s) URL of a .tar.gz, a .tar.gz file or a folder");
            }
        }
        Path p = Path.of(text);
        if (Files.isDirectory(p)) {
            return new Folder(p);
        }
        if (Files.isRegularFile(p)) {
            return new Archive(p);
        }
        // why: a missing file is a bad source (exit 4, as the README's table says), not a malformed flag
        throw new SourceException("Source '" + text + "' does not exist",
                "Give a folder (a PokeAPI/api-data checkout or its data/api/v2), a .tar.gz of one, or an http(s) URL", null);
    }
}
