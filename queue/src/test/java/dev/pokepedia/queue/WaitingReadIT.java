package dev.pokepedia.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** readWithPoll: wakes on NOTIFY, at a delayed message's deadline, and by polling when notifications are off. */
class WaitingReadIT {

    @RegisterExtension
    static QueuesOnFreshDatabase db = new QueuesOnFreshDatabase();

    private static final Duration POLL = Duration.ofSeconds(5);

    /** Runs a waiting read on its own platform thread and returns once that thread is parked waiting. */
    private static CompletableFuture<List<Message>> waitingRead(Queues on, String queue, Duration poll) {
        CompletableFuture<List<Message>> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("waiting-reader").start(() -> {
            try {
                result.complete(on.readWithPoll(queue, Duration.ofMinutes(5), 1, Duration.ofSeconds(20), poll));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        // RUNNABLE while talking to the database; TIMED_WAITING only inside the wait for a notification
        await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
        return result;
    }

    @Test
    void aWaitingReadWakesOnTheNotifyOfASendLongBeforeThePollInterval() throws Exception {
        db.queues().create("wake");
        CompletableFuture<List<Message>> read = waitingRead(db.queues(), "wake", POLL);
        assertThat(read).isNotDone();

        long sentAt = System.nanoTime();
        long id = db.queues().send("wake", "{\"ping\": 1}");
        List<Message> got = read.get(10, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - sentAt);

        assertThat(got).extracting(Message::id).containsExactly(id);
        assertThat(took).as("woken by NOTIFY, not by the %s poll", POLL).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aWaitingReadWakesWhenADelayedMessageFallsDueWithoutWaitingForThePoll() throws Exception {
        db.queues().create("due");
        long sentAt = System.nanoTime();
        long id = db.queues().send("due", "{}", Duration.ofMillis(700));

        List<Message> got = db.queues().readWithPoll("due", Duration.ofMinutes(5), 1, Duration.ofSeconds(20), POLL);
        Duration took = Duration.ofNanos(System.nanoTime() - sentAt);

        assertThat(got).extracting(Message::id).containsExactly(id);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(650)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void withoutNotificationsAWaitingReadStillFindsNewMessagesByPolling() throws Exception {
        db.queues().create("poll");
        try (Queues pollOnly = new Queues(db.database().dataSource(), null)) {
            CompletableFuture<List<Message>> read = waitingRead(pollOnly, "poll", Duration.ofMillis(300));
            long id = db.queues().send("poll", "{}");
            assertThat(read.get(10, TimeUnit.SECONDS)).extracting(Message::id).containsExactly(id);
        }
    }

    @Test
    void aWaitingReadGivesUpEmptyAfterMaxWait() {
        db.queues().create("quiet");
        long start = System.nanoTime();
        List<Message> got = db.queues().readWithPoll("quiet", Duration.ofMinutes(5), 1, Duration.ofMillis(400), Duration.ofMillis(100));
        assertThat(got).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(380), Duration.ofSeconds(3));
    }
}
