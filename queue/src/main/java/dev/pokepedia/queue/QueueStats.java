package dev.pokepedia.queue;

import java.time.Duration;

/**
 * One row of {@code get_pokepedia_queue_stats()}: what an operator watches.
 *
 * @param depth             messages in the queue (visible, in flight or delayed)
 * @param visible           messages a worker could claim now
 * @param oldestAge         age of the oldest message, null when empty
 * @param processedLastHour messages finished (deleted or archived) in the last hour
 * @param deadLetters       dead-lettered messages waiting for a redrive or discard
 * @param paused            whether claiming is paused cluster-wide
 */
public record QueueStats(String queue, long depth, long visible, Duration oldestAge, long processedLastHour,
                         long deadLetters, boolean paused) {
}
