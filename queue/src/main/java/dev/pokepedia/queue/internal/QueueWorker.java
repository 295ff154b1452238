package dev.pokepedia.queue.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.pokepedia.core.PokepediaException;
import dev.failsafe.RetryPolicy;
import dev.pokepedia.core.Backoff;
import dev.pokepedia.queue.PermanentFailureException;
import dev.pokepedia.queue.RetryLaterException;
import dev.pokepedia.queue.Message;
import dev.pokepedia.queue.MessageHandler;
import dev.pokepedia.queue.QueueException;
import dev.pokepedia.queue.QueueNotFoundException;
import dev.pokepedia.queue.ShutdownReport;
import dev.pokepedia.queue.WorkerConfig;
import dev.pokepedia.queue.WorkerStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one queue: a claimer thread reads batches (waiting on NOTIFY / deadlines / polling when idle), up to
 * {@code concurrency} handlers run on virtual threads, and an acker thread deletes (or archives) finished messages in
 * batches — whatever finished while the previous batch was being deleted goes in the next one. Failures are recorded
 * at once: retry later with backoff, or dead-letter after the last attempt. No transaction is open while a handler
 * runs: claims, acks and failures are each one autocommitted statement.
 *
 * <p>At most {@code concurrency + batchSize} messages are held claimed; those not started yet are handed back
 * (visible again at once) on shutdown, or when they waited for a free handler for half their visibility timeout.
 */
public final class QueueWorker {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);
    /** Backoff of the claimer when the database is unreachable. */
    private static final Backoff DATABASE_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.5);
    private static final int MAX_ACK_BATCH = 5_000;
    private static final int MAX_ERROR_LENGTH = 4_000;
    private static final long STOP = Long.MIN_VALUE;

    private record Claimed(Message message, Instant claimedAt) {}

    private final WorkerConfig config;
    private final String queue;
    private final MessageHandler handler;
    private final QueueSql sql;
    private final NotificationHub hub;
    private final Clock clock;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a handler finishes (room to claim, or shutdown progress) and when the worker stops. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Claimed> buffer = new ArrayDeque<>();
    private int inFlight;
    private boolean accepting = true;

    private final LinkedBlockingQueue<Long> acks = new LinkedBlockingQueue<>();
    private final ExecutorService handlers;
    private final RetryPolicy<Object> ackRetry;
    private Thread claimer;
    private Thread acker;

    private final Counter claimed;
    private final Counter succeeded;
    private final Counter retried;
    private final Counter deadLettered;
    private final Counter handedBack;
    private final Counter acked;
    private final Counter ackFailed;
    private final Timer handlerSuccess;
    private final Timer handlerFailure;
    private final Timer latency;

    public QueueWorker(WorkerConfig config, MessageHandler handler, QueueSql sql, NotificationHub hub, Clock clock,
                       MeterRegistry registry) {
        this.config = config;
        this.queue = config.queue();
        this.handler = handler;
        this.sql = sql;
        this.hub = hub;
        this.clock = clock;
        this.handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pokepedia-queue-" + queue + "-", 0).factory());
        this.ackRetry = RetryPolicy.builder()
                .handleIf(e -> e instanceof QueueException && !(e instanceof QueueNotFoundException))
                .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .withMaxRetries(3)
                .build();
        Tags tags = Tags.of("queue", queue);
        this.claimed = event(registry, tags, "claimed");
        this.succeeded = event(registry, tags, "succeeded");
        this.retried = event(registry, tags, "retried");
        this.deadLettered = event(registry, tags, "dead_lettered");
        this.handedBack = event(registry, tags, "handed_back");
        this.acked = event(registry, tags, "acked");
        this.ackFailed = event(registry, tags, "ack_failed");
        this.handlerSuccess = Timer.builder("pokepedia.queue.handler").description("handler run time")
                .tags(tags).tag("outcome", "success").register(registry);
        this.handlerFailure = Timer.builder("pokepedia.queue.handler").description("handler run time")
                .tags(tags).tag("outcome", "failure").register(registry);
        this.latency = Timer.builder("pokepedia.queue.latency").description("from send (enqueued_at) to handler start")
                .tags(tags).publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("pokepedia.queue.in_flight", this, w -> w.snapshot()[0]).tags(tags).register(registry);
        Gauge.builder("pokepedia.queue.buffered", this, w -> w.snapshot()[1]).tags(tags).register(registry);
    }

    private static Counter event(MeterRegistry registry, Tags tags, String event) {
        return Counter.builder("pokepedia.queue.messages").tags(tags).tag("event", event).register(registry);
    }

    public String queue() {
        return queue;
    }

    public void start() {
        hub.ensureListening(Duration.ofSeconds(5)); // why: a NOTIFY sent after our first empty read must reach us
        acker = Thread.ofPlatform().daemon().name("pokepedia-queue-" + queue + "-acker").start(this::ackLoop);
        claimer = Thread.ofPlatform().daemon().name("pokepedia-queue-" + queue + "-claimer").start(this::claimLoop);
    }

    // --- claiming and dispatching ---

    /** How many more messages may be claimed now: we hold at most concurrency + batchSize. Lock held. */
    private int room() {
        return Math.min(config.batchSize(), config.concurrency() + config.batchSize() - inFlight - buffer.size());
    }

    /** Claim only when at least half a batch fits (a trickle of tiny claims would cost a round trip each). */
    private int minClaim() {
        return Math.max(1, config.batchSize() / 2);
    }

    private void claimLoop() {
        int failures = 0;
        try {
            while (true) {
                int want;
                lock.lock();
                try {
                    while (accepting && room() < minClaim()) {
                        changed.await();
                    }
                    if (!accepting) {
                        return;
                    }
                    want = room();
                } finally {
                    lock.unlock();
                }
                long generation = hub.generation(queue);
                Instant claimedAt = clock.instant();
                List<Message> got;
                try {
                    got = sql.read(queue, config.visibilityTimeout(), want, config.maxAttempts());
                    failures = 0;
                } catch (QueueNotFoundException e) {
                    // why: a dropped queue does not come back by waiting; stop claiming instead of retrying forever
                    log.error("Queue '{}' no longer exists; this worker stops claiming from it", queue, e);
                    return;
                } catch (RuntimeException e) {
                    failures++;
                    if (failures == 1 || failures % 50 == 0) {
                        log.warn("Queue '{}': claiming failed {} time(s) in a row; retrying with backoff", queue, failures, e);
                    }
                    hub.await(queue, generation, DATABASE_BACKOFF.delay(failures, ThreadLocalRandom.current()).toNanos());
                    continue;
                }
                if (got.isEmpty()) {
                    Idle.waitForWork(sql, hub, queue, generation, config.pollInterval());
                    continue;
                }
                claimed.increment(got.size());
                List<Claimed> stale;
                lock.lock();
                try {
                    for (Message m : got) {
                        buffer.add(new Claimed(m, claimedAt));
                    }
                    stale = dispatch();
                } finally {
                    lock.unlock();
                }
                handBack(stale);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts buffered messages while handlers are free; returns those held too long to start safely. Lock held. */
    private List<Claimed> dispatch() {
        List<Claimed> stale = List.of();
        Instant now = clock.instant();
        Duration safe = config.visibilityTimeout().dividedBy(2);
        while (accepting && inFlight < config.concurrency() && !buffer.isEmpty()) {
            Claimed c = buffer.poll();
            if (now.isAfter(c.claimedAt().plus(safe))) {
                // why: its deadline is near; another worker may soon claim it too, so let it go rather than run it
                if (stale.isEmpty()) {
                    stale = new ArrayList<>();
                }
                stale.add(c);
                continue;
            }
            inFlight++;
            try {
                handlers.execute(() -> runHandler(c));
            } catch (RejectedExecutionException e) {
                inFlight--;
                buffer.addFirst(c);
                return stale;
            }
        }
        return stale;
    }

    private void runHandler(Claimed c) {
        Message m = c.message();
        Duration waited = Duration.between(m.enqueuedAt(), clock.instant());
        latency.record(waited.isNegative() ? Duration.ZERO : waited);
        long t0 = System.nanoTime();
        List<Claimed> stale = List.of();
        try {
            handler.handle(m);
            handlerSuccess.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            succeeded.increment();
            acks.add(m.id());
        } catch (Throwable t) {
            handlerFailure.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            failed(m, t);
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
        } finally {
            lock.lock();
            try {
                inFlight--;
                stale = dispatch();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            handBack(stale);
        }
    }

    private void failed(Message m, Throwable t) {
        String error = describe(t);
        try {
            if (m.readCount() >= config.maxAttempts() || t instanceof PermanentFailureException) {
                if (sql.deadLetter(queue, m.id(), error, m.readCount())) {
                    deadLettered.increment();
                    log.warn("Queue '{}': message {} dead-lettered after {} attempts: {}", queue, m.id(), m.readCount(), error);
                }
            } else {
                Duration delay = config.backoff().delay(m.readCount(), ThreadLocalRandom.current());
                if (t instanceof RetryLaterException r && r.notBefore().compareTo(delay) > 0) {
                    delay = r.notBefore();
                }
                if (sql.retryLater(queue, m.id(), error, delay, m.readCount())) {
                    retried.increment();
                }
            }
        } catch (RuntimeException e) {
            log.warn("Queue '{}': could not record the failure of message {}; it comes back after its visibility timeout",
                    queue, m.id(), e);
        }
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable x = t; x != null && sb.length() < MAX_ERROR_LENGTH; x = x.getCause()) {
            if (x != t) {
                sb.append(" <- caused by ");
            }
            sb.append(x.getClass().getName());
            if (x.getMessage() != null) {
                sb.append(": ").append(x.getMessage());
            }
            if (x.getCause() == x) {
                break;
            }
        }
        return sb.length() > MAX_ERROR_LENGTH ? sb.substring(0, MAX_ERROR_LENGTH) : sb.toString();
    }

    private void handBack(List<Claimed> unstarted) {
        if (unstarted.isEmpty()) {
            return;
        }
        List<Long> ids = unstarted.stream().map(c -> c.message().id()).toList();
        try {
            handedBack.increment(sql.release(queue, ids));
        } catch (RuntimeException e) {
            log.warn("Queue '{}': could not hand back {} unstarted messages; they come back after their visibility timeout",
                    queue, ids.size(), e);
        }
    }

    // --- acknowledging ---

    private void ackLoop() {
        List<Long> batch = new ArrayList<>();
        try {
            while (true) {
                long first = acks.take();
                if (first != STOP) {
                    batch.add(first);
                }
                acks.drainTo(batch, MAX_ACK_BATCH);
                boolean stop = first == STOP || (!batch.isEmpty() && batch.getLast() == STOP);
                batch.removeIf(id -> id == STOP);
                flush(batch);
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void flush(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            List<Long> done = Failsafe.with(ackRetry).get(() -> config.archiveOnSuccess() ? sql.archive(queue, ids) : sql.delete(queue, ids));
            acked.increment(done.size());
        } catch (FailsafeException | QueueException e) {
            ackFailed.increment(ids.size());
            Throwable cause = e instanceof FailsafeException && e.getCause() != null ? e.getCause() : e;
            if (PokepediaException.isExpected(cause)) {
                log.warn("Queue '{}': could not delete {} finished messages ({}); they will be delivered again after their visibility timeout",
                        queue, ids.size(), cause.getMessage());
            } else {
                log.warn("Queue '{}': could not delete {} finished messages; they will be delivered again after their visibility timeout",
                        queue, ids.size(), cause);
            }
        }
    }

    // --- stopping ---

    /** Stops claiming and starting messages; returns at once. */
    public void stopClaiming() {
        lock.lock();
        try {
            accepting = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        hub.wake(queue);
    }

    /**
     * After {@link #stopClaiming()}: hands back unstarted messages, waits for running handlers until
     * {@code deadlineNanos} (System.nanoTime), flushes the acks.
     */
    public ShutdownReport finish(long deadlineNanos) {
        int running;
        lock.lock();
        try {
            running = inFlight;
        } finally {
            lock.unlock();
        }
        join(claimer, deadlineNanos);
        List<Claimed> unstarted;
        lock.lock();
        try {
            unstarted = new ArrayList<>(buffer);
            buffer.clear();
        } finally {
            lock.unlock();
        }
        handBack(unstarted);
        int abandoned;
        lock.lock();
        try {
            long left = deadlineNanos - System.nanoTime();
            while (inFlight > 0 && left > 0) {
                left = changed.awaitNanos(left);
            }
            abandoned = inFlight;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoned = inFlight;
        } finally {
            lock.unlock();
        }
        acks.add(STOP);
        join(acker, Math.max(deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
        if (abandoned > 0) {
            log.warn("Queue '{}': {} handlers still running at the shutdown deadline; their messages come back after their visibility timeout",
                    queue, abandoned);
            handlers.shutdownNow();
        } else {
            handlers.shutdown();
        }
        return new ShutdownReport(unstarted.size(), running - abandoned, abandoned);
    }

    private static void join(Thread t, long deadlineNanos) {
        if (t == null) {
            return;
        }
        try {
            long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
            t.join(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int[] snapshot() {
        lock.lock();
        try {
            return new int[] {inFlight, buffer.size()};
        } finally {
            lock.unlock();
        }
    }

    public WorkerStats stats() {
        int[] now = snapshot();
        return new WorkerStats(queue, (long) claimed.count(), (long) succeeded.count(), (long) retried.count(),
                (long) deadLettered.count(), (long) handedBack.count(), (long) acked.count(), (long) ackFailed.count(),
                now[0], now[1]);
    }
}
