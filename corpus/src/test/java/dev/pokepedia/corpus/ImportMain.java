package dev.pokepedia.corpus;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import java.nio.file.Path;

/**
 * A child process for {@code KillAndRerunIT}: imports one archive with a tiny batch size (many commits) and exits.
 * Arguments: jdbc-url user archive batch-bytes; the password, if any, comes from POKEPEDIA_CHILD_DB_PASSWORD.
 */
public final class ImportMain {

    private ImportMain() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: ImportMain <jdbc-url> <user> <archive.tar.gz> <batch-bytes>");
            System.exit(2);
        }
        DatabaseConfig cfg = new DatabaseConfig(args[0], args[1].isEmpty() ? null : args[1], System.getenv("POKEPEDIA_CHILD_DB_PASSWORD"), DatabaseConfig.Origin.TEST);
        try (Database db = Database.open(cfg, 4)) {
            ImportReport report = Imports.run(db, ImportOptions.of(new SnapshotSource.Archive(Path.of(args[2])))
                    .withBatchBytes(Long.parseLong(args[3])));
            System.out.println("import " + report.status() + ": " + report.total());
            System.exit(report.failure() == null ? 0 : 1);
        }
    }
}
