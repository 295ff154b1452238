package dev.pokepedia.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseLocator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares; turned into immutable {@link Settings} in one place. */
public final class GlobalOptions {

    @Option(names = "--db", paramLabel = "URL",
            description = "Database: postgresql://user:pass@host:5432/db (Supabase form) or jdbc:postgresql://… "
                    + "Default: $DATABASE_URL, else localhost:5432 (database 'pokepedia', created if missing), else embedded.")
    String db;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where local state lives (embedded Postgres, storage). Default: $POKEPEDIA_DATA_DIR or ~/.local/share/pokepedia.")
    Path dataDir;

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;

    Settings settings() {
        return Settings.from(this, System.getenv());
    }

    /** What {@code --json} prints: {@code value} as indented JSON, one document. */
    static void printJson(PrintStream out, Object value) throws JsonProcessingException {
        out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    /** Resolved configuration of one invocation. */
    record Settings(String dbFlag, Path dataDir, boolean json, Map<String, String> env) {

        static Settings from(GlobalOptions o, Map<String, String> env) {
            Path dir = o.dataDir != null ? o.dataDir
                    : env.containsKey("POKEPEDIA_DATA_DIR") ? Path.of(env.get("POKEPEDIA_DATA_DIR"))
                    : Path.of(System.getProperty("user.home"), ".local", "share", "pokepedia");
            return new Settings(o.db, dir, o.json, env);
        }

        /** Finds, opens and migrates the database. The caller closes both. */
        Opened openDatabase() {
            return openDatabase(4);
        }

        /** As {@link #openDatabase()} with a pool sized for {@code poolSize} concurrent users (workers). */
        Opened openDatabase(int poolSize) {
            return openDatabase(poolSize, true);
        }

        /** Finds and opens the database; the caller migrates it (the import overlaps that with reading its source). */
        Opened openDatabaseUnmigrated() {
            return openDatabase(4, false);
        }

        private Opened openDatabase(int poolSize, boolean migrate) {
            DatabaseLocator.Resolved resolved = new DatabaseLocator(env, dataDir, System.getProperty("user.name")).resolve(dbFlag);
            try {
                Database db = Database.open(resolved.config(), poolSize);
                if (migrate) {
                    db.migrate();
                }
                return new Opened(resolved, db);
            } catch (RuntimeException e) {
                resolved.close();
                throw e;
            }
        }

        @Override
        public String toString() {
            return "Settings[db=" + (dbFlag == null ? "auto" : dev.pokepedia.core.DatabaseUrl.mask(dbFlag)) + ", dataDir=" + dataDir + "]";
        }
    }

    /** An open database and the embedded server behind it, if any. */
    record Opened(DatabaseLocator.Resolved resolved, Database db) implements AutoCloseable {
        @Override
        public void close() {
            db.close();
            resolved.close();
        }
    }
}
