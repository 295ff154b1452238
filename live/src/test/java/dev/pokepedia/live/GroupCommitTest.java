package dev.pokepedia.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.live.internal.GroupCommit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Group commit: what callers hand in while a batch runs goes into the next batch, and each caller gets its own result. */
class GroupCommitTest {

    @Test
    void itemsHandedInWhileABatchRunsAreGroupedIntoTheNextOneAndEachCallerGetsItsResult() throws Exception {
        CountDownLatch firstBatchRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = new ArrayList<>();
        try (GroupCommit<Integer, String> group = new GroupCommit<>("test", 100, items -> {
            synchronized (batches) {
                batches.add(List.copyOf(items));
            }
            firstBatchRunning.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return items.stream().map(i -> "r" + i).toList();
        }); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = pool.submit(() -> group.submit(0));
            assertThat(firstBatchRunning.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<String>> rest = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                int n = i;
                rest.add(pool.submit(() -> group.submit(n)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> group.waiting() == 20);
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("r0");
            for (int i = 0; i < 20; i++) {
                assertThat(rest.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("r" + (i + 1));
            }
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).hasSize(20);
    }

    @Test
    void aFailedBatchFailsEachOfItsCallersWithTheSameError() throws Exception {
        try (GroupCommit<Integer, Integer> group = new GroupCommit<>("test", 10, items -> {
            throw new IllegalStateException("database down");
        })) {
            assertThatThrownBy(() -> group.submit(1)).isInstanceOf(IllegalStateException.class).hasMessage("database down");
        }
    }

    @Test
    void afterCloseNothingIsAccepted() {
        GroupCommit<Integer, Integer> group = new GroupCommit<>("test", 10, items -> items);
        group.close();
        assertThatThrownBy(() -> group.submit(1)).isInstanceOf(IllegalStateException.class);
    }
}
