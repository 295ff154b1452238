package dev.pokepedia.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FOR UPDATE SKIP LOCKED: concurrent readers neither wait for each other nor get the same message. */
class ConcurrentReadersIT {

    @RegisterExtension
    static QueuesOnFreshDatabase db = new QueuesOnFreshDatabase();

    @Test
    void aReaderSkipsMessagesAnotherReaderHoldsInsteadOfWaitingForThem() throws Exception {
        db.queues().create("held");
        db.queues().sendBatch("held", IntStream.range(0, 10).mapToObj(i -> "{\"i\": " + i + "}").toList());

        try (Connection open = db.database().connection()) {
            open.setAutoCommit(false);
            Set<Long> heldIds = new HashSet<>();
            try (Statement st = open.createStatement();
                 ResultSet rs = st.executeQuery("SELECT msg_id FROM pokepedia_queue_read('held', interval '5 minutes', 5)")) {
                while (rs.next()) {
                    heldIds.add(rs.getLong(1));
                }
            }
            assertThat(heldIds).hasSize(5);
            // the first reader's transaction is still open: its 5 rows are locked. Without SKIP LOCKED the next
            // read would block on them (then see them invisible); with it, it takes the other 5 at once.
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                Future<List<Message>> other = ex.submit(() -> db.queues().read("held", Duration.ofMinutes(5), 10));
                List<Message> got = other.get(5, TimeUnit.SECONDS);
                assertThat(got).hasSize(5).extracting(Message::id).doesNotContainAnyElementsOf(heldIds);
            } finally {
                ex.shutdownNow();
            }
            open.rollback();
        }
        assertThat(db.queues().read("held", Duration.ofMinutes(5), 10)).as("the rolled-back claim released its 5").hasSize(5);
    }

    @Test
    void concurrentReadersDrainAQueueWithoutEverGettingTheSameMessage() throws Exception {
        db.queues().create("race");
        int total = 3_000;
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < total; i += 500) {
            int from = i;
            sent.addAll(db.queues().sendBatch("race", IntStream.range(from, from + 500).mapToObj(n -> "{\"n\": " + n + "}").toList()));
        }
        int readers = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService ex = Executors.newFixedThreadPool(readers);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            Callable<List<Long>> reader = () -> {
                go.await();
                List<Long> mine = new ArrayList<>();
                while (true) {
                    List<Message> got = db.queues().read("race", Duration.ofMinutes(5), 7);
                    if (got.isEmpty()) {
                        return mine;
                    }
                    got.forEach(m -> mine.add(m.id()));
                }
            };
            results.add(ex.submit(reader));
        }
        go.countDown();
        List<Long> all = new ArrayList<>();
        List<Integer> perReader = new ArrayList<>();
        for (Future<List<Long>> f : results) {
            List<Long> mine = f.get(30, TimeUnit.SECONDS);
            perReader.add(mine.size());
            all.addAll(mine);
        }
        ex.shutdown();

        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
        assertThat(perReader).as("every reader got a share").allSatisfy(n -> assertThat(n).isPositive());
    }
}
