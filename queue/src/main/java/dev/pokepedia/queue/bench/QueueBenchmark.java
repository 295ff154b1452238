package dev.pokepedia.queue.bench;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.DatabaseLocator;
import dev.pokepedia.core.DatabaseUrl;
import dev.pokepedia.queue.Message;
import dev.pokepedia.queue.QueueMetrics;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.queue.WorkerConfig;
import dev.pokepedia.queue.WorkerRuntime;
import dev.pokepedia.queue.WorkerStats;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * The queue benchmark, against a scratch database {@value #DATABASE} (dropped and recreated) on the server of
 * {@code --db} / {@code DATABASE_URL} / PGHOST… (default 127.0.0.1:5432 as postgres):
 * <ol>
 *   <li>enqueue {@code --messages} no-op messages with send_batch ({@code --send-batch} per statement);</li>
 *   <li>drain them with the worker runtime ({@code --concurrency} handlers, {@code --claim-batch} per read);</li>
 *   <li>wake-up latency of an idle worker: {@code --wakeups} single sends, each sent only after the previous one
 *       was handled and acknowledged (a handshake, no sleeps), timed from just before send() to the handler's
 *       first instruction.</li>
 * </ol>
 * <pre>
 * ./mvnw -q -pl queue -am install -DskipTests
 * ./mvnw -q -pl queue dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp queue/target/classes:$(cat /tmp/cp.txt) dev.pokepedia.queue.bench.QueueBenchmark
 * </pre>
 */
public final class QueueBenchmark {

    static final String DATABASE = "pokepedia_queue_bench";

    record Options(String db, int messages, int sendBatch, int concurrency, int claimBatch, int wakeups, Integer fillfactor,
                   boolean vacuum, boolean keep) {
        static Options parse(String[] args) {
            String db = null;
            int messages = 100_000;
            int sendBatch = 1_000;
            int concurrency = 64;
            int claimBatch = 500;
            int wakeups = 200;
            Integer fillfactor = null;
            boolean vacuum = true;
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--db" -> db = args[++i];
                    case "--messages" -> messages = Integer.parseInt(args[++i]);
                    case "--send-batch" -> sendBatch = Integer.parseInt(args[++i]);
                    case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                    case "--claim-batch" -> claimBatch = Integer.parseInt(args[++i]);
                    case "--wakeups" -> wakeups = Integer.parseInt(args[++i]);
                    case "--fillfactor" -> fillfactor = Integer.parseInt(args[++i]);
                    case "--no-vacuum" -> vacuum = false;
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --db URL --messages N --send-batch N --concurrency N --claim-batch N --wakeups N --fillfactor N --no-vacuum --keep)");
                }
            }
            return new Options(db, messages, sendBatch, concurrency, claimBatch, wakeups, fillfactor, vacuum, keep);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        PrintStream out = System.out;
        DatabaseConfig admin = adminConfig(o.db(), System.getenv());
        dropDatabase(admin);
        DatabaseLocator.ensureDatabase(admin, DATABASE);
        DatabaseConfig config = admin.withDatabase(DATABASE);
        out.printf("queue benchmark on %s (%d cores, Java %s)%n", DatabaseUrl.mask(config.jdbcUrl()),
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        try (Database db = Database.open(config, o.concurrency() > 16 ? 8 : 6).migrate(); Queues queues = Queues.open(db)) {
            enqueueAndDrain(o, db, queues, out);
            wakeUpLatency(o, queues, out);
        } finally {
            if (!o.keep()) {
                dropDatabase(admin);
            }
        }
    }

    static DatabaseConfig adminConfig(String flag, Map<String, String> env) {
        String url = flag != null ? flag : env.get("DATABASE_URL");
        if (url != null && !url.isBlank()) {
            return DatabaseUrl.parse(url, DatabaseConfig.Origin.FLAG).withDatabase("postgres");
        }
        return new DatabaseConfig("jdbc:postgresql://" + env.getOrDefault("PGHOST", "127.0.0.1") + ":" + env.getOrDefault("PGPORT", "5432")
                + "/postgres", env.getOrDefault("PGUSER", "postgres"), env.get("PGPASSWORD"), DatabaseConfig.Origin.LOCAL_SERVER);
    }

    private static void dropDatabase(DatabaseConfig admin) throws SQLException {
        try (Connection c = admin.connect(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        }
    }

    private static void enqueueAndDrain(Options o, Database db, Queues queues, PrintStream out) throws Exception {
        queues.create("bench");
        if (o.fillfactor() != null) {
            execute(db, "ALTER TABLE pokepedia_queue_messages SET (fillfactor = " + o.fillfactor() + ")");
        }
        List<String> batch = IntStream.range(0, o.sendBatch()).mapToObj(i -> "{\"n\": " + i + "}").toList();
        long t0 = System.nanoTime();
        int sent = 0;
        while (sent < o.messages()) {
            int n = Math.min(o.sendBatch(), o.messages() - sent);
            queues.sendBatch("bench", n == batch.size() ? batch : batch.subList(0, n));
            sent += n;
        }
        double enqueueSeconds = seconds(t0);
        QueueMetrics before = queues.metrics("bench");
        out.printf(Locale.ROOT, "enqueue: %,d messages with send_batch of %d in %.2f s = %,.0f msg/s (queue length %,d)%n",
                sent, o.sendBatch(), enqueueSeconds, sent / enqueueSeconds, before.length());
        out.println("         hot table after enqueue: " + sizes(db));
        if (o.vacuum()) {
            execute(db, "VACUUM ANALYZE pokepedia_queue_messages"); // why: what autovacuum does after a bulk insert
        }

        CountDownLatch handled = new CountDownLatch(sent);
        WorkerConfig config = WorkerConfig.of("bench").withConcurrency(o.concurrency()).withBatchSize(o.claimBatch());
        WorkerRuntime runtime = new WorkerRuntime(queues).register(config, m -> handled.countDown());
        long d0 = System.nanoTime();
        runtime.start();
        handled.await();
        double handledSeconds = seconds(d0);
        int total = sent;
        waitUntil(() -> runtime.stats("bench").acked() >= total);
        double drainSeconds = seconds(d0);
        WorkerStats stats = runtime.stats("bench");
        runtime.shutdown(Duration.ofSeconds(10));
        QueueMetrics after = queues.metrics("bench");
        out.printf(Locale.ROOT, "drain:   %,d messages (concurrency %d, claim batch %d) handled in %.2f s, all deleted after %.2f s = %,.0f msg/s "
                        + "(claimed %,d, acked %,d, queue length now %d)%n",
                sent, o.concurrency(), o.claimBatch(), handledSeconds, drainSeconds, sent / drainSeconds, stats.claimed(),
                stats.acked(), after.length());
        out.println("         hot table after drain: " + sizes(db));
        execute(db, "VACUUM pokepedia_queue_messages");
        out.println("         hot table after VACUUM: " + sizes(db));
    }

    private static void wakeUpLatency(Options o, Queues queues, PrintStream out) throws Exception {
        queues.create("wake");
        SynchronousQueue<Long> started = new SynchronousQueue<>();
        WorkerRuntime runtime = new WorkerRuntime(queues).register(WorkerConfig.of("wake").withConcurrency(1).withBatchSize(1)
                .withPollInterval(Duration.ofSeconds(5)), (Message m) -> started.put(System.nanoTime()));
        runtime.start();
        long[] latencies = new long[o.wakeups()];
        long[] sendTimes = new long[o.wakeups()];
        AtomicLong acked = new AtomicLong();
        try {
            for (int i = 0; i < o.wakeups(); i++) {
                long t0 = System.nanoTime();
                queues.send("wake", "{\"i\": " + i + "}");
                sendTimes[i] = System.nanoTime() - t0;
                Long start = started.poll(10, TimeUnit.SECONDS);
                if (start == null) {
                    throw new IllegalStateException("message " + i + " was not handled within 10 s");
                }
                latencies[i] = start - t0;
                acked.set(i + 1L);
                // the handshake: the next send waits until this message is deleted and the worker is idle again
                waitUntil(() -> runtime.stats("wake").acked() >= acked.get() && runtime.stats("wake").inFlight() == 0);
            }
        } finally {
            runtime.shutdown(Duration.ofSeconds(5));
        }
        Arrays.sort(latencies);
        Arrays.sort(sendTimes);
        out.printf(Locale.ROOT, "wake-up: %d single sends to an idle worker (poll interval 5 s): send -> handler start p50 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms (the send call alone: p50 %.2f ms, p99 %.2f ms)%n",
                latencies.length, ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99)), ms(latencies[latencies.length - 1]),
                ms(percentile(sendTimes, 0.50)), ms(percentile(sendTimes, 0.99)));
    }

    private static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String sizes(Database db) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_size_pretty(pg_relation_size('pokepedia_queue_messages')), "
                     + "pg_size_pretty(pg_relation_size('pokepedia_queue_messages_claim_idx')), "
                     + "pg_size_pretty(pg_relation_size('pokepedia_queue_messages_pkey'))")) {
            rs.next();
            return "heap " + rs.getString(1) + ", claim index " + rs.getString(2) + ", primary key " + rs.getString(3);
        }
    }

    /** Busy-waits with 200 µs parks: the benchmark must notice completion promptly without burning a core. */
    private static void waitUntil(BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for the worker");
            }
            LockSupport.parkNanos(200_000);
        }
    }

    static long percentile(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

}
