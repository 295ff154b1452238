package dev.pokepedia.queue.internal;

import dev.pokepedia.queue.QueueException;
import java.time.Duration;
import java.util.OptionalDouble;

/** How a reader that found nothing waits: until a NOTIFY, the next message's deadline, or the poll interval. */
public final class Idle {

    /** A message is visible but another reader holds it (SKIP LOCKED): it will be claimed or freed very soon. */
    private static final long LOCKED_RETRY_NANOS = Duration.ofMillis(10).toNanos();
    /** Slack after a deadline, so the server's now() has passed it when we read again. */
    private static final long DEADLINE_SLACK_NANOS = Duration.ofMillis(1).toNanos();

    private Idle() {
    }

    /**
     * Waits for work on {@code queue}: returns when the queue's notification generation moves past
     * {@code generation}, when its earliest delayed or in-flight message becomes due, or after {@code maxWait}.
     */
    public static void waitForWork(QueueSql sql, NotificationHub hub, String queue, long generation, Duration maxWait)
            throws InterruptedException {
        long wait = maxWait.toNanos();
        try {
            OptionalDouble next = sql.nextVisibleInMillis(queue);
            if (next.isPresent()) {
                long due = next.getAsDouble() <= 0 ? LOCKED_RETRY_NANOS : (long) (next.getAsDouble() * 1e6) + DEADLINE_SLACK_NANOS;
                wait = Math.min(wait, due);
            }
        } catch (QueueException e) {
            // the database is unreachable: just wait out the poll interval
        }
        if (wait > 0) {
            hub.await(queue, generation, wait);
        }
    }
}
