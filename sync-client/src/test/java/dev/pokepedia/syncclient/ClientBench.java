package dev.pokepedia.syncclient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Client benchmarks against the in-process protocol server, with a baseline measured in the same run:
 * <ul>
 *   <li>a 100-entity backup restored into a fresh store and pushed (target ≤ 0.3 s);</li>
 *   <li>a 10,000-operation offline backlog drained (target ≥ 5,000 ops/s);</li>
 *   <li>baseline: raw JDBC inserts into an SQLite file with the same pragmas (WAL, synchronous=FULL), one transaction
 *       per 500 rows, i.e. what the disk and driver allow before any of the library's work.</li>
 * </ul>
 * Run: {@code java -cp <test classpath> dev.pokepedia.syncclient.ClientBench [runs]}.
 */
public final class ClientBench {

    static final List<String> TYPES = List.of("players", "teams", "seasons", "tournaments", "personnel", "settings", "warmup_plan",
            "team_rosters", "player_adjustments", "games");

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("client-bench");
        {
            double baseline = rawInsertRate(dir.resolve("raw.db"), 10_000);
            System.out.printf("baseline: raw SQLite inserts (WAL, synchronous=FULL, 500 rows/tx): %,.0f rows/s%n", baseline);

            double[] restore = new double[runs + 1];
            for (int r = 0; r <= runs; r++) {
                try (TestSyncServer server = TestSyncServer.start("bench")) { // why: a fresh server, so each run pulls only its own rows
                    restore[r] = restoreAndPush(dir, server, r);
                }
            }
            double[] timed = Arrays.copyOfRange(restore, 1, restore.length); // run 0 warms the JIT
            Arrays.sort(timed);
            System.out.printf("100-entity backup restore + push: median %.1f ms, best %.1f ms over %d runs (target <= 300 ms: %s)%n",
                    timed[timed.length / 2], timed[0], runs, timed[timed.length / 2] <= 300 ? "met" : "MISSED");

            double[] drain = new double[runs];
            for (int r = -1; r < runs; r++) { // run -1 warms the JIT
                try (TestSyncServer server = TestSyncServer.start("bench")) {
                    double rate = drainBacklog(dir, server, r + 1000, 10_000);
                    if (r >= 0) {
                        drain[r] = rate;
                    }
                }
            }
            Arrays.sort(drain);
            double med = drain[drain.length / 2];
            System.out.printf("10,000-op offline backlog drained: median %,.0f ops/s, best %,.0f ops/s (target >= 5,000: %s);"
                    + " %.2fx the raw insert baseline%n", med, drain[drain.length - 1], med >= 5000 ? "met" : "MISSED", med / baseline);
        }
    }

    static double rawInsertRate(Path file, int n) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("CREATE TABLE t (type TEXT, id TEXT, payload TEXT, PRIMARY KEY (type, id))");
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?,?,?)")) {
                for (int i = 0; i < n; i++) {
                    if (i % 500 == 0) {
                        s.execute("BEGIN IMMEDIATE");
                    }
                    ps.setString(1, "players");
                    ps.setString(2, "p" + i);
                    ps.setString(3, "{\"id\":\"p" + i + "\",\"name\":\"player " + i + "\",\"number\":" + i + "}");
                    ps.executeUpdate();
                    if (i % 500 == 499) {
                        s.execute("COMMIT");
                    }
                }
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static double restoreAndPush(Path dir, TestSyncServer server, int run) {
        Path backup = dir.resolve("restore-" + run + ".pkbackup");
        try (LocalStore src = LocalStore.open(dir.resolve("src-" + run + ".db"), EntityRegistry.reference())) {
            List<LocalStore.Write> w = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String type = TYPES.get(i % TYPES.size());
                w.add(new LocalStore.Write(type, J.o("{'id':'r" + run + "-" + i + "','name':'entity " + i + "','team_id':'t1','player_id':'p1'}")));
            }
            src.bulkSave(w);
            new Backups(src, dir).createBackup(backup);
        }
        try (LocalStore dst = LocalStore.open(dir.resolve("dst-" + run + ".db"), EntityRegistry.reference());
             SyncClient c = SyncClient.create(dst, SyncConfig.defaults(server.uri(), () -> "bench").withAutoSync(false))) {
            long t0 = System.nanoTime();
            int n = new Backups(dst, dir).restoreBackup(backup);
            SyncResult r = c.sync();
            double ms = (System.nanoTime() - t0) / 1e6;
            if (n != 100 || r.pushed() != 100) {
                throw new IllegalStateException("restore " + n + ", pushed " + r);
            }
            return ms;
        }
    }

    static double drainBacklog(Path dir, TestSyncServer server, int run, int ops) {
        try (LocalStore s = LocalStore.open(dir.resolve("backlog-" + run + ".db"), EntityRegistry.reference());
             SyncClient c = SyncClient.create(s, SyncConfig.defaults(server.uri(), () -> "bench").withAutoSync(false))) {
            List<LocalStore.Write> w = new ArrayList<>();
            for (int i = 0; i < ops; i++) {
                String type = TYPES.get(i % TYPES.size());
                w.add(new LocalStore.Write(type, J.o("{'id':'b" + run + "-" + i + "','name':'entity " + i + "','number':" + i + "}")));
            }
            s.bulkSave(w); // queued offline: not timed
            long t0 = System.nanoTime();
            SyncResult r = c.sync();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (r.pushed() != ops) {
                throw new IllegalStateException("pushed " + r);
            }
            double serverSecs = server.serverNanos.get() / 1e9;
            System.out.printf("  drain run %d: %d ops in %d requests, %.3f s (of which the in-process server answering: %.3f s;"
                    + " without it %,.0f ops/s)%n", run, ops, r.requests(), secs, serverSecs, ops / (secs - serverSecs));
            return ops / secs;
        }
    }
}
