package dev.pokepedia.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.core.Database;
import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three independent worker processes (own pools, own LISTEN connections) share one queue. */
class MultiRuntimeIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @Test
    void threeIndependentRuntimesProcessTwoThousandMessagesWithNoMessageHandledTwice() throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE handled (msg_id bigint PRIMARY KEY, worker text NOT NULL)");
        }
        List<Long> duplicates = new CopyOnWriteArrayList<>();
        List<Database> pools = new ArrayList<>();
        List<Queues> clients = new ArrayList<>();
        List<WorkerRuntime> runtimes = new ArrayList<>();
        try {
            for (int w = 0; w < 3; w++) {
                String worker = "worker-" + w;
                Database pool = Database.open(db.config(), 6);
                Queues q = Queues.open(pool);
                if (w == 0) {
                    q.create("shared");
                }
                WorkerRuntime r = new WorkerRuntime(q).register(
                        WorkerConfig.of("shared").withConcurrency(8).withBatchSize(25), m -> {
                            try (Connection c = pool.connection();
                                 PreparedStatement ps = c.prepareStatement(
                                         "INSERT INTO handled (msg_id, worker) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                                ps.setLong(1, m.id());
                                ps.setString(2, worker);
                                if (ps.executeUpdate() == 0) {
                                    duplicates.add(m.id());
                                }
                            }
                        });
                pools.add(pool);
                clients.add(q);
                runtimes.add(r);
            }
            runtimes.forEach(WorkerRuntime::start);

            Queues sender = clients.getFirst();
            List<Long> sent = new ArrayList<>();
            for (int i = 0; i < 2_000; i += 200) {
                int from = i;
                sent.addAll(sender.sendBatch("shared", IntStream.range(from, from + 200).mapToObj(n -> "{\"n\": " + n + "}").toList()));
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM handled") == 2_000
                    && sender.metrics("shared").length() == 0);

            assertThat(duplicates).isEmpty();
            assertThat(sent).doesNotHaveDuplicates().hasSize(2_000);
            assertThat(count("SELECT count(*) FROM handled WHERE msg_id = ANY (SELECT msg_id FROM handled)")).isEqualTo(2_000);
            long busyWorkers = count("SELECT count(DISTINCT worker) FROM handled");
            assertThat(busyWorkers).as("the work was shared").isGreaterThanOrEqualTo(2);
            long succeeded = runtimes.stream().mapToLong(r -> r.stats("shared").succeeded()).sum();
            assertThat(succeeded).isEqualTo(2_000);
            assertThat(sender.metrics("shared").totalSent()).isEqualTo(2_000);
        } finally {
            runtimes.forEach(r -> r.shutdown(Duration.ofSeconds(10)));
            clients.forEach(Queues::close);
            pools.forEach(Database::close);
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
