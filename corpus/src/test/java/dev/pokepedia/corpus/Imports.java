package dev.pokepedia.corpus;

import dev.pokepedia.core.Database;
import dev.pokepedia.testkit.FreshDatabase;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.SortedMap;

/** Runs imports the way the tests need them. */
public final class Imports {

    private Imports() {
    }

    public static SnapshotImporter importer(Database db) {
        return new SnapshotImporter(db, HttpClient.newHttpClient(), Clock.systemUTC());
    }

    public static ImportReport run(Database db, ImportOptions options) {
        return importer(db).run(options);
    }

    public static ImportReport archive(Database db, Path tarGz) {
        return run(db, ImportOptions.of(new SnapshotSource.Archive(tarGz)));
    }

    /** What a clean import of one archive into an empty database leaves behind. */
    public record Clean(ImportReport report, SortedMap<DocumentId, String> liveShas, SortedMap<String, String> projectionDigests,
                        SortedMap<String, Integer> endpoints) {}

    /** Imports {@code tarGz} into a fresh sibling database of {@code db}, reads the result, and drops the sibling. */
    public static Clean cleanImport(FreshDatabase db, Path tarGz) throws SQLException {
        String suffix = "clean";
        var cfg = db.createSibling(suffix);
        try (Database clean = Database.open(cfg, 4).migrate()) {
            ImportReport report = archive(clean, tarGz);
            return new Clean(report, Rows.liveShas(clean), Rows.projectionDigests(clean), Rows.endpoints(clean));
        } finally {
            db.dropSibling(suffix);
        }
    }
}
