package dev.pokepedia.app.bench;

import dev.pokepedia.core.DatabaseConfig;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times {@code pokepedia import} as a user runs it: a new process (JVM start, the launcher's flags and start-up cache),
 * into a freshly created database (so the migrations are part of it), and then once more unchanged. The in-JVM figures
 * of {@code ImportBenchmark} leave those out; issue 18 states its import targets for the whole command.
 */
public record WholeImportCommand(DatabaseConfig admin, Path snapshot, int runs) {

    /**
     * Median seconds of the runs: into a fresh database; the same snapshot again (the first re-import records the
     * source entries' hashes); and once more, as every later unchanged re-import runs.
     */
    public record Times(double fresh, double firstUnchanged, double unchanged) {}

    public Times run() throws IOException, InterruptedException, SQLException {
        List<String> command = launcher();
        double[] fresh = new double[runs];
        double[] first = new double[runs];
        double[] again = new double[runs];
        String db = "pokepedia_bench_command";
        warmUp(command, db);
        for (int r = 0; r < runs; r++) {
            sql("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            sql("CREATE DATABASE " + db);
            try {
                fresh[r] = timed(command, admin.withDatabase(db));
                first[r] = timed(command, admin.withDatabase(db));
                again[r] = timed(command, admin.withDatabase(db));
            } finally {
                sql("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
        return new Times(median(fresh), median(first), median(again));
    }

    /**
     * One untimed run first, as a user's first run after a build: the launcher trains its start-up cache on it and
     * assembles the cache in the background afterwards, which would otherwise slow (or be) a timed run.
     */
    private void warmUp(List<String> command, String db) throws IOException, InterruptedException, SQLException {
        sql("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        sql("CREATE DATABASE " + db);
        try {
            timed(command, admin.withDatabase(db));
        } finally {
            sql("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
        if (command.size() == 1) { // the launcher: wait until the cache it assembles is in place
            Path target = Path.of(command.getFirst()).getParent().resolve("app/target");
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline && !cacheReady(target)) {
                Thread.sleep(200);
            }
        }
    }

    private static boolean cacheReady(Path target) throws IOException {
        try (var files = Files.list(target)) {
            // the launcher moves a finished cache into place under this name; a ".conf" or ".<pid>" file is still in work
            return files.map(f -> f.getFileName().toString()).anyMatch(n -> n.startsWith("pokepedia-import-")
                    && (n.endsWith(".aot") || n.endsWith(".jsa")));
        }
    }

    /** The repository's launcher next to the jar we run from (what the README runs), else this JVM with -jar. */
    private static List<String> launcher() {
        try {
            Path jar = Path.of(WholeImportCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null || jar.getParent().getParent() == null ? null : jar.getParent().getParent().getParent();
            if (root != null && Files.isExecutable(root.resolve("pokepedia")) && jar.toString().endsWith(".jar")) {
                return List.of(root.resolve("pokepedia").toString());
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            return List.of(java, "-XX:+UseParallelGC", "-Xmx4g", "-jar", jar.toString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private double timed(List<String> launcher, DatabaseConfig target) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("import", "--source", snapshot.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // why the environment: a password never shows in the process list
        pb.environment().put("DATABASE_URL", url(target));
        long t0 = System.nanoTime();
        int exit = pb.start().waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("pokepedia import exited with " + exit + " (" + String.join(" ", cmd) + ")");
        }
        return s;
    }

    private static String url(DatabaseConfig c) {
        String rest = c.jdbcUrl().substring("jdbc:postgresql://".length());
        String user = URLEncoder.encode(c.user(), StandardCharsets.UTF_8);
        String password = c.password() == null ? "" : ":" + URLEncoder.encode(c.password(), StandardCharsets.UTF_8);
        return "postgresql://" + user + password + "@" + rest;
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = admin.connect(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
