package dev.pokepedia.queue;

/**
 * Counters of one queue's worker since it started (the same numbers are Micrometer meters named
 * {@code pokepedia.queue.*}, tagged with the queue, in the runtime's registry).
 *
 * @param claimed          messages read
 * @param succeeded        handlers that returned normally
 * @param retried          failed attempts scheduled for a retry
 * @param deadLettered     messages dead-lettered after their last failed attempt
 * @param handedBack       claimed messages released unstarted (shutdown, or held too long to start safely)
 * @param acked            successful messages deleted or archived
 * @param ackFailed        successful messages whose deletion failed (they will be delivered again)
 * @param inFlight         handlers running now
 * @param buffered         claimed messages waiting for a free handler now
 */
public record WorkerStats(String queue, long claimed, long succeeded, long retried, long deadLettered, long handedBack,
                          long acked, long ackFailed, int inFlight, int buffered) {
}
