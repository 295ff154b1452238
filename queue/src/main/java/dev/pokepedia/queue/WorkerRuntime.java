package dev.pokepedia.queue;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.queue.internal.QueueWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs handlers for one or more queues: per queue a {@link WorkerConfig} (concurrency, batch size, visibility
 * timeout, attempts, backoff). Handlers run on virtual threads and must be idempotent (delivery is at least once).
 *
 * <pre>{@code
 * try (Queues queues = Queues.open(db); WorkerRuntime runtime = new WorkerRuntime(queues)) {
 *     runtime.register(WorkerConfig.of("projections").withConcurrency(4), message -> refresh(message.body()));
 *     runtime.start();
 *     ...
 *     runtime.shutdown(Duration.ofSeconds(30)); // stop claiming, hand back unstarted, finish in-flight
 * }
 * }</pre>
 *
 * <p>A worker that dies without shutting down (kill -9, lost network) loses nothing: its claimed messages become
 * visible again when their visibility timeout passes, and another runtime takes them.
 */
public final class WorkerRuntime implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Queues queues;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, QueueWorker> workers = new LinkedHashMap<>();
    /** The registered workers, published at start for {@link #stats} (which must not wait for a shutdown). */
    private volatile Map<String, QueueWorker> running = Map.of();
    private boolean started;
    private boolean stopped;

    public WorkerRuntime(Queues queues) {
        this(queues, Clock.systemUTC(), new SimpleMeterRegistry());
    }

    /**
     * @param clock    measures how long claimed messages waited (for the send-to-start latency and for handing back
     *                 messages held too long); the visibility deadlines themselves are the server's
     * @param registry where the counters and timers go ({@code pokepedia.queue.*}, tagged by queue)
     */
    public WorkerRuntime(Queues queues, Clock clock, MeterRegistry registry) {
        this.queues = Objects.requireNonNull(queues, "queues");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Adds a queue to work; before {@link #start()}, one registration per queue. */
    public synchronized WorkerRuntime register(WorkerConfig config, MessageHandler handler) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        if (started) {
            throw new ConfigurationException("Cannot register queue '" + config.queue() + "': the worker runtime is already started",
                    "Register every queue before start().");
        }
        if (workers.containsKey(config.queue())) {
            throw new ConfigurationException("Queue '" + config.queue() + "' is registered twice in one worker runtime",
                    "Use one registration per queue; raise its concurrency instead.");
        }
        workers.put(config.queue(), new QueueWorker(config, handler, queues.sql(), queues.hub(), clock, registry));
        return this;
    }

    /** Starts claiming; fails fast with {@link QueueNotFoundException} if a registered queue does not exist. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        for (String queue : workers.keySet()) {
            queues.metrics(queue); // why: a typo in a queue name must fail here, not loop forever in the claimer
        }
        started = true;
        running = Map.copyOf(workers);
        workers.values().forEach(QueueWorker::start);
    }

    /**
     * Graceful shutdown: stops claiming at once on every queue, hands back claimed messages that have not started
     * (visible again immediately, their read not counted), waits up to {@code timeout} for running handlers, and
     * deletes what finished. Handlers still running at the timeout are interrupted; their messages come back after
     * their visibility timeout.
     */
    public synchronized ShutdownReport shutdown(Duration timeout) {
        if (!started || stopped) {
            stopped = true;
            return new ShutdownReport(0, 0, 0);
        }
        stopped = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        workers.values().forEach(QueueWorker::stopClaiming);
        long handedBack = 0;
        long finished = 0;
        long abandoned = 0;
        for (QueueWorker w : workers.values()) {
            ShutdownReport r = w.finish(deadline);
            handedBack += r.handedBack();
            finished += r.finished();
            abandoned += r.abandoned();
        }
        return new ShutdownReport(handedBack, finished, abandoned);
    }

    /** Counters of one started queue worker. */
    public WorkerStats stats(String queue) {
        QueueWorker w = running.get(queue);
        if (w == null) {
            throw new ConfigurationException("Queue '" + queue + "' is not worked by this (started) worker runtime", "");
        }
        return w.stats();
    }

    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** {@link #shutdown} with a 30 s timeout, if still running. */
    @Override
    public void close() {
        shutdown(CLOSE_TIMEOUT);
    }
}
