package dev.pokepedia.corpus.bench;

import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.corpus.ImportOptions;
import dev.pokepedia.corpus.ImportReport;
import dev.pokepedia.corpus.SnapshotImporter;
import dev.pokepedia.corpus.SnapshotPath;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.corpus.internal.Canonicalizer;
import dev.pokepedia.corpus.internal.PgBinaryCopy;
import dev.pokepedia.corpus.internal.SnapshotReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The import benchmark: every method timed in one run against one database, so ratios compare like with like.
 * Each measurement runs {@code runs} times; the median is reported. It lives in {@code corpus} (as the queue's
 * benchmark lives in {@code queue}) because its floors use the importer's internals (canonicaliser, binary COPY).
 */
public final class ImportBenchmark {

    /** One minified document held in memory for the floor and baseline (they must not pay for decoding). */
    private record Doc(DocumentId id, String name, byte[] json, String sha256) {}

    /** A measured method. */
    public record Result(String name, double seconds, long documents, String note) {}

    private final Database db;
    private final Path snapshot;
    private final Path older;
    private final int runs;
    private final PrintStream log;
    private double projectionSeconds;

    public ImportBenchmark(Database db, Path snapshot, Path older, int runs, PrintStream log) {
        this.db = db;
        this.snapshot = snapshot;
        this.older = older;
        this.runs = runs;
        this.log = log;
    }

    public List<Result> run() throws Exception {
        log.println("loading and minifying " + snapshot + " into memory for the floor and baseline …");
        List<Doc> docs = loadMinified(snapshot);
        long total = docs.size();
        List<Result> results = new ArrayList<>();
        results.add(new Result("decompress + SHA-256 every document (no-change floor)",
                median(() -> timeNanos(this::decompressAndHash)), total, "reads the archive, hashes raw bytes, no database"));
        results.add(new Result("floor: bare COPY into a PK-only lz4 table", median(() -> copyFloor(docs)), total,
                "pre-minified documents from memory, one COPY, one transaction"));
        results.add(new Result("baseline: INSERT … ON CONFLICT DO UPDATE, 100 rows/statement",
                median(() -> upsertBaseline(docs)), total, "pre-minified documents from memory"));
        results.add(new Result("pokepedia import, cold (incl. projections)", median(() -> {
            reset();
            return timeNanos(() -> projectionSeconds = importOnce(snapshot).phaseSeconds("projections"));
        }), total, "streams the .tar.gz: decode, canonicalise, hash, COPY, merge, projections"));
        results.add(new Result("pokepedia re-import, nothing changed", median(() -> timeNanos(() -> {
            ImportReport r = importOnce(snapshot);
            if (!r.nothingChanged()) {
                throw new IllegalStateException("re-import changed something: " + r.total());
            }
        })), total, "must write nothing"));
        if (older != null) {
            results.add(new Result("pokepedia incremental " + older.getFileName() + " → " + snapshot.getFileName(), median(() -> {
                reset();
                importOnce(older);
                return timeNanos(() -> importOnce(snapshot));
            }), total, "adds, updates, tombstones, refreshes affected projections"));
        }
        log.printf("(the last cold import spent %.2f s of its time rebuilding projections)%n", projectionSeconds);
        return results;
    }

    private interface Step {
        void run() throws Exception;
    }

    private interface Measure {
        long nanos() throws Exception;
    }

    private double median(Measure m) throws Exception {
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            s[i] = m.nanos() / 1e9;
        }
        Arrays.sort(s);
        return s[runs / 2];
    }

    private static long timeNanos(Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        return System.nanoTime() - t0;
    }

    private ImportReport importOnce(Path archive) {
        ImportReport r = new SnapshotImporter(db, HttpClient.newHttpClient(), Clock.systemUTC())
                .run(ImportOptions.of(new SnapshotSource.Archive(archive)));
        if (r.failure() != null) {
            throw r.failure();
        }
        return r;
    }

    private void reset() throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE pokeapi_resources, pokepedia_projection_pending, pokepedia_endpoints, pokepedia_pokemon, "
                    + "pokepedia_species, pokepedia_evolution_chains, pokepedia_moves, pokepedia_types");
            st.execute("CHECKPOINT");
        }
    }

    private void decompressAndHash() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        new SnapshotReader(HttpClient.newHttpClient()).read(new SnapshotSource.Archive(snapshot),
                k -> k instanceof SnapshotPath.Document, new SnapshotReader.Sink() {
                    public void entry(String path, SnapshotPath kind, byte[] bytes) {
                        sha.digest(bytes);
                    }

                    public void problem(String path, String reason) {
                    }
                });
    }

    private long copyFloor(List<Doc> docs) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_copy_floor");
            st.execute("CREATE TABLE bench_copy_floor (resource_type text, resource_key text, data jsonb, PRIMARY KEY (resource_type, resource_key))");
            lz4(st, "bench_copy_floor");
            st.execute("CHECKPOINT");
            long t0 = System.nanoTime();
            c.setAutoCommit(false);
            PgBinaryCopy payload = new PgBinaryCopy();
            for (Doc d : docs) {
                payload.startRow(3);
                payload.text(d.id().type());
                payload.text(d.id().key());
                payload.jsonb(d.json());
            }
            payload.copyInto(c, "COPY bench_copy_floor FROM STDIN (FORMAT binary)");
            c.commit();
            long elapsed = System.nanoTime() - t0;
            c.setAutoCommit(true);
            st.execute("DROP TABLE bench_copy_floor");
            return elapsed;
        }
    }

    private long upsertBaseline(List<Doc> docs) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_baseline");
            st.execute("CREATE TABLE bench_baseline (LIKE pokeapi_resources INCLUDING ALL)");
            st.execute("CHECKPOINT");
            long t0 = System.nanoTime();
            int per = 100;
            String values = String.join(",", java.util.Collections.nCopies(per, "(?,?,?,?::jsonb,?,?)"));
            String sql = "INSERT INTO bench_baseline (resource_type, resource_key, name, data, sha256, source) VALUES " + values
                    + " ON CONFLICT (resource_type, resource_key) DO UPDATE SET name = excluded.name, data = excluded.data,"
                    + " sha256 = excluded.sha256, source = excluded.source, updated_at = now()";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i + per <= docs.size(); i += per) {
                    bind(ps, docs.subList(i, i + per));
                    ps.executeUpdate();
                }
            }
            int rest = docs.size() % per;
            if (rest > 0) {
                String tail = "INSERT INTO bench_baseline (resource_type, resource_key, name, data, sha256, source) VALUES "
                        + String.join(",", java.util.Collections.nCopies(rest, "(?,?,?,?::jsonb,?,?)"))
                        + " ON CONFLICT (resource_type, resource_key) DO NOTHING";
                try (PreparedStatement ps = c.prepareStatement(tail)) {
                    bind(ps, docs.subList(docs.size() - rest, docs.size()));
                    ps.executeUpdate();
                }
            }
            long elapsed = System.nanoTime() - t0;
            st.execute("DROP TABLE bench_baseline");
            return elapsed;
        }
    }

    private static void bind(PreparedStatement ps, List<Doc> chunk) throws SQLException {
        int p = 1;
        for (Doc d : chunk) {
            ps.setString(p++, d.id().type());
            ps.setString(p++, d.id().key());
            ps.setString(p++, d.name());
            ps.setString(p++, new String(d.json(), StandardCharsets.UTF_8));
            ps.setString(p++, d.sha256());
            ps.setString(p++, "bench");
        }
    }

    private static void lz4(Statement st, String table) {
        try {
            st.execute("ALTER TABLE " + table + " ALTER COLUMN data SET COMPRESSION lz4");
        } catch (SQLException e) {
            // no lz4 on this server: the floor uses the default compression, as our table does then
        }
    }

    private List<Doc> loadMinified(Path archive) throws Exception {
        Canonicalizer canon = new Canonicalizer();
        List<Doc> docs = new ArrayList<>(16_000);
        new SnapshotReader(HttpClient.newHttpClient()).read(new SnapshotSource.Archive(archive),
                k -> k instanceof SnapshotPath.Document, new SnapshotReader.Sink() {
                    public void entry(String path, SnapshotPath kind, byte[] bytes) {
                        try {
                            Canonicalizer.Canonical c = canon.canonicalize(bytes);
                            docs.add(new Doc(((SnapshotPath.Document) kind).id(), c.name(), c.json(), c.sha256()));
                        } catch (IOException e) {
                            throw new IllegalStateException(path + ": " + e.getMessage(), e);
                        }
                    }

                    public void problem(String path, String reason) {
                    }
                });
        return docs;
    }

    /** Prints the results with the ratios the targets are stated in. */
    public static void print(List<Result> results, PrintStream out) {
        out.printf("%-62s %9s %10s%n", "method", "seconds", "docs/s");
        for (Result r : results) {
            out.printf("%-62s %9.2f %10.0f%n", r.name(), r.seconds(), r.documents() / r.seconds());
        }
        double hash = results.get(0).seconds();
        double floor = results.get(1).seconds();
        double baseline = results.get(2).seconds();
        double cold = results.get(3).seconds();
        double again = results.get(4).seconds();
        out.println();
        out.printf("cold import / COPY floor          = %.2fx   (target <= 1.30x)%n", cold / floor);
        out.printf("baseline / cold import            = %.2fx   (target >= 2x faster)%n", baseline / cold);
        out.printf("re-import / decompress+hash floor = %.2fx   (target <= 1.50x)%n", again / hash);
        out.printf("baseline / re-import              = %.2fx   (target >= 3x faster)%n", baseline / again);
        if (results.size() > 5) {
            out.printf("incremental / cold import         = %.2fx%n", results.get(5).seconds() / cold);
        }
    }
}
