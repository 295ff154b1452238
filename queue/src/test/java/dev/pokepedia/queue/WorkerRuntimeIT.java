package dev.pokepedia.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.core.Backoff;
import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.testkit.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The worker runtime end to end on a real Postgres. */
class WorkerRuntimeIT {

    @RegisterExtension
    static QueuesOnFreshDatabase db = new QueuesOnFreshDatabase();

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeRuntimes() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    private WorkerRuntime runtime(Queues on, WorkerConfig config, MessageHandler handler) {
        WorkerRuntime r = new WorkerRuntime(on, Clock.systemUTC(), new SimpleMeterRegistry()).register(config, handler);
        cleanup.add(() -> r.shutdown(Duration.ofSeconds(5)));
        r.start();
        return r;
    }

    /** The dead letters of {@code queue}, once there is at least one (awaited up to {@code atMost}). */
    private static List<ArchivedMessage> awaitDeadLetters(String queue, Duration atMost) {
        return await().atMost(atMost).until(() -> db.queues().deadLetters(queue, 10), l -> !l.isEmpty());
    }

    private static List<String> bodies(int n) {
        return IntStream.range(0, n).mapToObj(i -> "{\"n\": " + i + "}").toList();
    }

    @Test
    void processesEveryMessageExactlyOnceWithHandlersRunningConcurrently() {
        db.queues().create("once");
        int total = 1_000;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < total; i += 250) {
            ids.addAll(db.queues().sendBatch("once", bodies(250)));
        }
        Map<Long, AtomicInteger> handled = new ConcurrentHashMap<>();
        CountDownLatch eightAtOnce = new CountDownLatch(8);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();

        WorkerRuntime r = runtime(db.queues(), WorkerConfig.of("once").withConcurrency(16).withBatchSize(50), m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (eightAtOnce.getCount() > 0) {
                    // the first handlers only finish once 8 of them run at the same time: proves real concurrency
                    eightAtOnce.countDown();
                    if (!eightAtOnce.await(10, TimeUnit.SECONDS)) {
                        failures.add(new AssertionError("8 handlers never ran at once"));
                    }
                }
                handled.computeIfAbsent(m.id(), k -> new AtomicInteger()).incrementAndGet();
            } finally {
                running.decrementAndGet();
            }
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> db.queues().metrics("once").length() == 0);
        assertThat(failures).isEmpty();
        assertThat(handled.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(handled.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(maxRunning.get()).isBetween(8, 16);
        WorkerStats s = r.stats("once");
        assertThat(s.claimed()).isEqualTo(total);
        assertThat(s.succeeded()).isEqualTo(total);
        assertThat(s.acked()).isEqualTo(total);
        assertThat(s.retried() + s.deadLettered() + s.ackFailed()).isZero();
        assertThat(r.meterRegistry().get("pokepedia.queue.latency").tag("queue", "once").timer().count()).isEqualTo(total);
        assertThat(r.meterRegistry().get("pokepedia.queue.messages").tag("queue", "once").tag("event", "acked").counter().count())
                .isEqualTo(total);
    }

    @Test
    void aFailingHandlerIsRetriedWithBackoffThenDeadLetteredWhileOtherMessagesKeepFlowing() {
        db.queues().create("flaky");
        List<Long> attemptsAt = new CopyOnWriteArrayList<>();
        List<Long> goodDoneAt = new CopyOnWriteArrayList<>();
        long poison = db.queues().send("flaky", "{\"poison\": true}");
        db.queues().sendBatch("flaky", bodies(60));

        WorkerConfig config = WorkerConfig.of("flaky").withConcurrency(4).withBatchSize(10).withMaxAttempts(3)
                .withBackoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 0));
        WorkerRuntime r = runtime(db.queues(), config, m -> {
            if (m.id() == poison) {
                attemptsAt.add(System.nanoTime());
                throw new IllegalStateException("boom on attempt " + m.readCount());
            }
            goodDoneAt.add(System.nanoTime());
        });

        assertThat(awaitDeadLetters("flaky", Duration.ofSeconds(15))).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(poison);
            assertThat(d.readCount()).isEqualTo(3);
            assertThat(d.lastError()).isEqualTo("java.lang.IllegalStateException: boom on attempt 3");
        });
        assertThat(attemptsAt).hasSize(3);
        // backoff without jitter: 200 ms after the first failure, 400 ms after the second
        assertThat(Duration.ofNanos(attemptsAt.get(1) - attemptsAt.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(Duration.ofNanos(attemptsAt.get(2) - attemptsAt.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        // the poison message never held the others up
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queues().metrics("flaky").length() == 0);
        assertThat(goodDoneAt).hasSize(60);
        assertThat(Collections.max(goodDoneAt)).isLessThan(attemptsAt.get(1));
        WorkerStats s = r.stats("flaky");
        assertThat(s.retried()).isEqualTo(2);
        assertThat(s.deadLettered()).isEqualTo(1);
        assertThat(s.succeeded()).isEqualTo(60);
    }

    @Test
    void aPermanentFailureIsDeadLetteredOnItsFirstAttempt() {
        db.queues().create("poison");
        long id = db.queues().send("poison", "{\"n\": 1}");
        runtime(db.queues(), WorkerConfig.of("poison").withMaxAttempts(5), m -> {
            throw new PermanentFailureException("not JSON: <html>", null);
        });

        assertThat(awaitDeadLetters("poison", Duration.ofSeconds(10))).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(id);
            assertThat(d.readCount()).isEqualTo(1);
            assertThat(d.lastError()).contains("not JSON: <html>");
        });
    }

    @Test
    void retryLaterWaitsAtLeastAsLongAsTheHandlerAsks() {
        db.queues().create("polite");
        db.queues().send("polite", "{\"n\": 1}");
        List<Long> attemptsAt = new CopyOnWriteArrayList<>();
        WorkerConfig config = WorkerConfig.of("polite").withMaxAttempts(5)
                .withBackoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 0));
        runtime(db.queues(), config, m -> {
            attemptsAt.add(System.nanoTime());
            if (m.readCount() == 1) {
                throw new RetryLaterException("429, Retry-After: 1", Duration.ofSeconds(1), null);
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> db.queues().metrics("polite").length() == 0);
        assertThat(attemptsAt).hasSize(2);
        assertThat(Duration.ofNanos(attemptsAt.get(1) - attemptsAt.get(0))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void gracefulShutdownHandsBackUnstartedMessagesAtOnceAndFinishesTheRunningOnes() throws Exception {
        db.queues().create("graceful");
        List<Long> ids = db.queues().sendBatch("graceful", bodies(10));
        Set<Long> started = ConcurrentHashMap.newKeySet();
        CountDownLatch release = new CountDownLatch(1);
        WorkerRuntime r = runtime(db.queues(), WorkerConfig.of("graceful").withConcurrency(2).withBatchSize(10)
                .withVisibilityTimeout(Duration.ofMinutes(5)), m -> {
            started.add(m.id());
            release.await(30, TimeUnit.SECONDS);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> started.size() == 2 && r.stats("graceful").buffered() == 8);

        CompletableFuture<ShutdownReport> shutdown = CompletableFuture.supplyAsync(() -> r.shutdown(Duration.ofSeconds(20)));

        // the 8 unstarted ones are visible again long before their 5-minute visibility timeout
        await().atMost(Duration.ofSeconds(5)).until(() -> db.queues().metrics("graceful").visibleLength() == 8);
        assertThat(shutdown).as("still waiting for the 2 running handlers").isNotDone();
        List<Message> takenOver = db.queues().read("graceful", Duration.ofMinutes(5), 20);
        assertThat(takenOver).hasSize(8).extracting(Message::id).doesNotContainAnyElementsOf(started);
        assertThat(takenOver).as("handing back does not count as a read").allSatisfy(m -> assertThat(m.readCount()).isEqualTo(1));

        long stray = db.queues().send("graceful", "{\"after\": \"shutdown began\"}");
        release.countDown();
        ShutdownReport report = shutdown.get(20, TimeUnit.SECONDS);

        assertThat(report).isEqualTo(new ShutdownReport(8, 2, 0));
        assertThat(report.clean()).isTrue();
        QueueMetrics m = db.queues().metrics("graceful");
        assertThat(m.length()).as("the 2 finished ones were deleted; 8 taken over + 1 sent later remain").isEqualTo(9);
        assertThat(db.queues().read("graceful", Duration.ofMinutes(5), 20)).as("nothing was claimed after shutdown began")
                .singleElement().satisfies(x -> {
                    assertThat(x.id()).isEqualTo(stray);
                    assertThat(x.readCount()).isEqualTo(1);
                });
        assertThat(ids).containsAll(started);
    }

    @Test
    void aCrashedWorkersMessagesComeBackAfterTheirVisibilityTimeoutAndAnotherWorkerFinishesThem() throws Exception {
        db.queues().create("crash");
        List<Long> ids = db.queues().sendBatch("crash", bodies(4));
        Duration vt = Duration.ofSeconds(2);

        // the doomed worker has its own pool and LISTEN connection, recognisable by application name
        DatabaseConfig doomedConfig = new DatabaseConfig(db.config().jdbcUrl() + "?ApplicationName=doomed-worker",
                db.config().user(), db.config().password(), DatabaseConfig.Origin.TEST);
        Database doomedDb = Database.open(doomedConfig, 4);
        Queues doomedQueues = Queues.open(doomedDb);
        Set<Long> startedByDoomed = ConcurrentHashMap.newKeySet();
        CountDownLatch never = new CountDownLatch(1);
        cleanup.add(doomedQueues);
        WorkerRuntime doomed = runtime(doomedQueues, WorkerConfig.of("crash").withConcurrency(4).withBatchSize(4).withVisibilityTimeout(vt),
                m -> {
                    startedByDoomed.add(m.id());
                    never.await(60, TimeUnit.SECONDS);
                });
        cleanup.add(never::countDown); // why: before the doomed runtime's shutdown (cleanup runs in reverse)
        await().atMost(Duration.ofSeconds(10)).until(() -> startedByDoomed.size() == 4);
        long claimedAt = System.nanoTime();

        // crash: its connections die and its pool is gone, with no chance to hand anything back
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'doomed-worker'");
        }
        doomedDb.close();

        Map<Long, Integer> rescued = new ConcurrentHashMap<>();
        runtime(db.queues(), WorkerConfig.of("crash").withConcurrency(4).withVisibilityTimeout(Duration.ofSeconds(30)),
                m -> rescued.put(m.id(), m.readCount()));

        await().atMost(Duration.ofSeconds(15)).until(() -> rescued.size() == 4);
        assertThat(Duration.ofNanos(System.nanoTime() - claimedAt)).as("not before the visibility timeout")
                .isGreaterThanOrEqualTo(vt.minusMillis(200));
        assertThat(rescued.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(rescued.values()).as("second delivery").allSatisfy(n -> assertThat(n).isEqualTo(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> db.queues().metrics("crash").length() == 0);
        assertThat(doomed.stats("crash").acked()).isZero();
    }

    @Test
    void claimedMessagesThatWaitedPastHalfTheirVisibilityTimeoutAreHandedBackInsteadOfStartedLate() throws Exception {
        db.queues().create("late");
        List<Long> ids = db.queues().sendBatch("late", bodies(5));
        SettableClock clock = new SettableClock(Instant.now());
        CountDownLatch firstMayFinish = new CountDownLatch(1);
        Map<Long, Integer> handled = new ConcurrentHashMap<>();
        WorkerRuntime r = new WorkerRuntime(db.queues(), clock, new SimpleMeterRegistry()).register(
                WorkerConfig.of("late").withConcurrency(1).withBatchSize(5).withVisibilityTimeout(Duration.ofMinutes(10)), m -> {
                    if (m.id() == ids.getFirst()) {
                        firstMayFinish.await(10, TimeUnit.SECONDS);
                    }
                    handled.merge(m.id(), 1, Integer::sum);
                });
        cleanup.add(() -> r.shutdown(Duration.ofSeconds(5)));
        r.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> r.stats("late").buffered() == 4);

        clock.advance(Duration.ofMinutes(6)); // the 4 buffered ones are now 6 of their 10 minutes old
        firstMayFinish.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 5 && db.queues().metrics("late").length() == 0);
        assertThat(r.stats("late").handedBack()).isEqualTo(4);
        assertThat(handled.values()).as("each handled once, after being claimed again").allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(r.stats("late").claimed()).isEqualTo(9);
    }

    @Test
    void startFailsFastForAQueueThatDoesNotExistAndRegistrationIsValidated() {
        WorkerRuntime r = new WorkerRuntime(db.queues());
        r.register(WorkerConfig.of("missing-queue"), m -> { });
        assertThatThrownBy(r::start).isInstanceOf(QueueNotFoundException.class).hasMessageContaining("missing-queue");

        WorkerRuntime twice = new WorkerRuntime(db.queues()).register(WorkerConfig.of("a"), m -> { });
        assertThatThrownBy(() -> twice.register(WorkerConfig.of("a").withConcurrency(2), m -> { }))
                .hasMessageContaining("registered twice");
    }
}
