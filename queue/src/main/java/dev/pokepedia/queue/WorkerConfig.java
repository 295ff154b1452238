package dev.pokepedia.queue;

import dev.pokepedia.core.Backoff;
import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.queue.internal.QueueNames;
import java.time.Duration;

/**
 * How a {@link WorkerRuntime} works one queue.
 *
 * @param queue             the queue
 * @param concurrency       handlers running at once
 * @param batchSize         messages claimed per read; up to one batch beyond {@code concurrency} is held claimed
 *                          but not started (handed back on shutdown)
 * @param visibilityTimeout how long a claimed message stays invisible to others; longer than a handler ever takes
 * @param maxAttempts       a message whose handler failed this many times is dead-lettered with the last error (also
 *                          when it was claimed this often without finishing, e.g. because its worker crashed)
 * @param backoff           delay before retrying a failed message
 * @param pollInterval      how often an idle worker re-reads when no NOTIFY arrives (fallback only)
 * @param archiveOnSuccess  archive finished messages instead of deleting them
 */
public record WorkerConfig(String queue, int concurrency, int batchSize, Duration visibilityTimeout, int maxAttempts,
                           Backoff backoff, Duration pollInterval, boolean archiveOnSuccess) {

    public static final int MAX_CONCURRENCY = 10_000;
    public static final int MAX_BATCH = 10_000;

    public WorkerConfig {
        String what = "Worker for queue '" + queue + "': ";
        QueueNames.require(queue);
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new ConfigurationException(what + "concurrency must be between 1 and " + MAX_CONCURRENCY + ", got " + concurrency,
                    "The number of handlers that may run at once.");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new ConfigurationException(what + "batchSize must be between 1 and " + MAX_BATCH + ", got " + batchSize,
                    "The number of messages claimed per read.");
        }
        if (visibilityTimeout == null || visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
            throw new ConfigurationException(what + "visibilityTimeout must be positive, got " + visibilityTimeout,
                    "Make it longer than the slowest handler, e.g. Duration.ofSeconds(30).");
        }
        if (maxAttempts < 1) {
            throw new ConfigurationException(what + "maxAttempts must be at least 1, got " + maxAttempts,
                    "After this many failed attempts a message is dead-lettered.");
        }
        if (backoff == null) {
            throw new ConfigurationException(what + "backoff is missing", "Use Backoff.DEFAULT or new Backoff(initial, max, jitter).");
        }
        if (pollInterval == null || pollInterval.toMillis() < 1) {
            throw new ConfigurationException(what + "pollInterval must be at least 1 ms, got " + pollInterval,
                    "Idle workers wake on NOTIFY; polling is the fallback, e.g. Duration.ofSeconds(2).");
        }
    }

    /** Defaults: concurrency 8, batch 32, visibility 30 s, 5 attempts, {@link Backoff#DEFAULT}, poll 2 s, delete on success. */
    public static WorkerConfig of(String queue) {
        return new WorkerConfig(queue, 8, 32, Duration.ofSeconds(30), 5, Backoff.DEFAULT, Duration.ofSeconds(2), false);
    }

    public WorkerConfig withConcurrency(int n) {
        return new WorkerConfig(queue, n, batchSize, visibilityTimeout, maxAttempts, backoff, pollInterval, archiveOnSuccess);
    }

    public WorkerConfig withBatchSize(int n) {
        return new WorkerConfig(queue, concurrency, n, visibilityTimeout, maxAttempts, backoff, pollInterval, archiveOnSuccess);
    }

    public WorkerConfig withVisibilityTimeout(Duration d) {
        return new WorkerConfig(queue, concurrency, batchSize, d, maxAttempts, backoff, pollInterval, archiveOnSuccess);
    }

    public WorkerConfig withMaxAttempts(int n) {
        return new WorkerConfig(queue, concurrency, batchSize, visibilityTimeout, n, backoff, pollInterval, archiveOnSuccess);
    }

    public WorkerConfig withBackoff(Backoff b) {
        return new WorkerConfig(queue, concurrency, batchSize, visibilityTimeout, maxAttempts, b, pollInterval, archiveOnSuccess);
    }

    public WorkerConfig withPollInterval(Duration d) {
        return new WorkerConfig(queue, concurrency, batchSize, visibilityTimeout, maxAttempts, backoff, d, archiveOnSuccess);
    }

    public WorkerConfig withArchiveOnSuccess(boolean archive) {
        return new WorkerConfig(queue, concurrency, batchSize, visibilityTimeout, maxAttempts, backoff, pollInterval, archive);
    }
}
