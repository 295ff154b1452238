package dev.pokepedia.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * A queue's numbers at one instant (all from one snapshot, so they agree with each other).
 *
 * @param length        messages in the queue (visible, in flight, or delayed)
 * @param visibleLength messages a read could claim now
 * @param oldestAge     age of the oldest message (lowest id), null when the queue is empty
 * @param newestAge     age of the newest message (highest id), null when the queue is empty
 * @param totalSent     messages ever sent to this queue (purges and deletes do not lower it)
 * @param scrapedAt     server time of the measurement
 */
public record QueueMetrics(String queue, long length, long visibleLength, Duration oldestAge, Duration newestAge,
                           long totalSent, Instant scrapedAt) {
}
