package dev.pokepedia.queue;

import java.time.Instant;

/**
 * A message as read from a queue.
 *
 * @param id          unique across all queues, increasing in send order
 * @param readCount   how many times it has been read (claimed), this read included
 * @param enqueuedAt  when it was sent (server clock)
 * @param visibleAt   when it becomes visible again unless deleted or archived (server clock)
 * @param body        the JSON document, as PostgreSQL renders jsonb
 * @param headers     JSON object, or null
 * @param lastError   the error a failed attempt recorded (see {@link Queues#retryLater}), or null
 */
public record Message(long id, String queue, int readCount, Instant enqueuedAt, Instant visibleAt, String body,
                      String headers, String lastError) {
}
