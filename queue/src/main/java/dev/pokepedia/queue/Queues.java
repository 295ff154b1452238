package dev.pokepedia.queue;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.queue.internal.Idle;
import dev.pokepedia.queue.internal.NotificationHub;
import dev.pokepedia.queue.internal.QueueNames;
import dev.pokepedia.queue.internal.QueueSql;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Durable queues in PostgreSQL with pgmq's semantics. Every method is one autocommitted call of an SQL function
 * ({@code pokepedia_queue_*}, created by the V300 migration), so other programs can use the same queues from SQL.
 *
 * <p>Delivery is at least once: a read message stays in the queue, invisible for its visibility timeout, until it is
 * deleted or archived; if that does not happen in time (the reader crashed, or was slow) it is delivered again with
 * a higher read count. Handlers must therefore be idempotent.
 *
 * <p>Thread-safe; one instance per process is enough. Waiting reads share one extra LISTEN connection.
 */
public final class Queues implements AutoCloseable {

    private static final Duration LISTEN_START_TIMEOUT = Duration.ofSeconds(5);

    private final QueueSql sql;
    private final NotificationHub hub;

    /**
     * @param dataSource   pooled connections for the queue operations
     * @param listenConfig where the waiting reads LISTEN (a direct connection, not from the pool); null = poll only
     */
    public Queues(DataSource dataSource, DatabaseConfig listenConfig) {
        this.sql = new QueueSql(dataSource);
        this.hub = new NotificationHub(listenConfig);
    }

    /** Queues on a migrated database, listening on a connection of its own to the same server. */
    public static Queues open(Database database) {
        return new Queues(database.dataSource(), database.config());
    }

    QueueSql sql() {
        return sql;
    }

    NotificationHub hub() {
        return hub;
    }

    // --- queues ---

    /** Creates the queue if it does not exist (idempotent). */
    public void create(String queue) {
        create(queue, QueueSettings.DEFAULT);
    }

    /** Creates the queue, or updates the settings of an existing one. */
    public void create(String queue, QueueSettings settings) {
        sql.create(QueueNames.require(queue), Objects.requireNonNull(settings, "settings"));
    }

    /** Drops the queue with its messages and archive; false if it did not exist. */
    public boolean drop(String queue) {
        return sql.drop(queue);
    }

    public List<QueueInfo> list() {
        return sql.list();
    }

    // --- sending ---

    /** Sends one JSON message, visible at once; returns its id. */
    public long send(String queue, String body) {
        return send(queue, OutgoingMessage.of(body), Duration.ZERO);
    }

    /** Sends one JSON message, visible after {@code delay}. */
    public long send(String queue, String body, Duration delay) {
        return send(queue, OutgoingMessage.of(body), delay);
    }

    /** Sends one message with headers, visible after {@code delay}. */
    public long send(String queue, OutgoingMessage message, Duration delay) {
        return sql.send(queue, Objects.requireNonNull(message, "message"), nonNegative(delay, "delay"));
    }

    /** Sends many JSON messages in one statement; returns their ids in order. */
    public List<Long> sendBatch(String queue, List<String> bodies) {
        return sendBatch(queue, bodies, Duration.ZERO);
    }

    public List<Long> sendBatch(String queue, List<String> bodies, Duration delay) {
        return sendMessages(queue, bodies.stream().map(OutgoingMessage::of).toList(), delay);
    }

    /** Sends many messages with their headers in one statement; returns their ids in order. */
    public List<Long> sendMessages(String queue, List<OutgoingMessage> messages, Duration delay) {
        return sql.sendBatch(queue, messages, nonNegative(delay, "delay"));
    }

    /**
     * Sends each body whose key has no message in the queue yet (visible, in flight or delayed); a key frees up once
     * its message is deleted, archived or dead-lettered. Safe with concurrent senders. Returns the ids sent.
     */
    public List<Long> sendUnique(String queue, List<String> bodies, List<String> keys) {
        if (bodies.size() != keys.size()) {
            throw new ConfigurationException(keys.size() + " keys for " + bodies.size() + " messages", "Pass one key per message.");
        }
        return sql.sendUnique(queue, bodies, keys, Duration.ZERO);
    }

    // --- reading ---

    /**
     * Claims up to {@code qty} visible messages (earliest visibility first; rows other readers are claiming are
     * skipped, never waited for), hides them for {@code visibilityTimeout} and increments their read count. If the
     * queue has {@link QueueSettings#maxReads()}, messages read that often already are dead-lettered instead, so a
     * read can return fewer messages than are visible.
     */
    public List<Message> read(String queue, Duration visibilityTimeout, int qty) {
        return sql.read(queue, nonNegative(visibilityTimeout, "visibilityTimeout"), positive(qty, "qty"), null);
    }

    /**
     * Like {@link #read} but waits up to {@code maxWait} for messages when there are none: it wakes on the NOTIFY
     * of a send, when a delayed or in-flight message falls due, and otherwise re-reads every {@code pollInterval}
     * (the fallback when notifications are unavailable). No transaction or lock is held while waiting.
     */
    public List<Message> readWithPoll(String queue, Duration visibilityTimeout, int qty, Duration maxWait, Duration pollInterval) {
        nonNegative(visibilityTimeout, "visibilityTimeout");
        positive(qty, "qty");
        long deadline = System.nanoTime() + nonNegative(maxWait, "maxWait").toNanos();
        Duration poll = positive(pollInterval, "pollInterval");
        hub.ensureListening(LISTEN_START_TIMEOUT);
        while (true) {
            long generation = hub.generation(queue);
            List<Message> got = sql.read(queue, visibilityTimeout, qty, null);
            long left = deadline - System.nanoTime();
            if (!got.isEmpty() || left <= 0) {
                return got;
            }
            try {
                Idle.waitForWork(sql, hub, queue, generation, poll.toNanos() < left ? poll : Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }

    /** Deletes and returns the first visible message: at-most-once delivery. */
    public Optional<Message> pop(String queue) {
        return sql.pop(queue);
    }

    // --- finishing ---

    /** Deletes a message; false if it was not there. */
    public boolean delete(String queue, long id) {
        return !sql.delete(queue, List.of(id)).isEmpty();
    }

    /** Deletes messages; returns the ids that were there. */
    public List<Long> delete(String queue, Collection<Long> ids) {
        return sql.delete(queue, ids);
    }

    /** Moves a message to the archive; false if it was not there. */
    public boolean archive(String queue, long id) {
        return !sql.archive(queue, List.of(id)).isEmpty();
    }

    public List<Long> archive(String queue, Collection<Long> ids) {
        return sql.archive(queue, ids);
    }

    /** pgmq's set_vt: the message becomes visible {@code visibilityTimeout} from now (zero: at once). */
    public Optional<Message> setVisibilityTimeout(String queue, long id, Duration visibilityTimeout) {
        return sql.setVisibilityTimeout(queue, id, Objects.requireNonNull(visibilityTimeout, "visibilityTimeout"));
    }

    /** Deletes every message of the queue (the archive stays); returns how many. */
    public long purge(String queue) {
        return sql.purge(queue);
    }

    /**
     * A failed attempt: records {@code error} on the message and makes it visible again after {@code delay}. Only
     * touches the message if nobody has read it since {@code message} was read; returns whether it did.
     */
    public boolean retryLater(Message message, String error, Duration delay) {
        return sql.retryLater(message.queue(), message.id(), error, nonNegative(delay, "delay"), message.readCount());
    }

    /** Moves the message to the archive as dead-lettered with {@code error} (if nobody has read it since). */
    public boolean deadLetter(Message message, String error) {
        return sql.deadLetter(message.queue(), message.id(), error, message.readCount());
    }

    /** The queue's dead letters, newest first. */
    public List<ArchivedMessage> deadLetters(String queue, int limit) {
        return sql.deadLetters(queue, positive(limit, "limit"));
    }

    /** Puts all dead letters of the queue back, visible now with read count 0; returns how many. */
    public long redrive(String queue) {
        return sql.redrive(queue, null);
    }

    /** Deletes the queue's dead letters; returns how many. */
    public long discardDeadLetters(String queue) {
        return sql.discardDeadLetters(queue);
    }

    /** Stops every worker of the cluster from claiming this queue's messages (in-flight ones finish). */
    public void pause(String queue) {
        sql.setPaused(queue, true);
    }

    public void resume(String queue) {
        sql.setPaused(queue, false);
    }

    /** Deletes archived (not dead-lettered) messages and throughput history older than {@code keep}. */
    public long cleanup(Duration keep) {
        return sql.cleanup(nonNegative(keep, "keep"));
    }

    // --- metrics ---

    public QueueMetrics metrics(String queue) {
        List<QueueMetrics> m = sql.metrics(Objects.requireNonNull(queue, "queue"));
        if (m.isEmpty()) {
            throw new QueueNotFoundException(queue, null);
        }
        return m.getFirst();
    }

    /** Metrics of every queue, by name. */
    public List<QueueMetrics> metrics() {
        return sql.metrics(null);
    }

    /** {@code get_pokepedia_queue_stats()}: every queue's depth, visible, oldest age, last hour, dead letters. */
    public List<QueueStats> stats() {
        return sql.stats();
    }

    /** Messages of {@code queue} finished per minute over the last {@code window} (minutes without any are absent). */
    public List<QueueThroughput> throughput(String queue, Duration window) {
        return sql.throughput(queue, window);
    }

    @Override
    public void close() {
        hub.close();
    }

    private static Duration nonNegative(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new ConfigurationException(what + " must be zero or positive, got " + d, "");
        }
        return d;
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigurationException(what + " must be positive, got " + d, "");
        }
        return d;
    }

    private static int positive(int n, String what) {
        if (n <= 0) {
            throw new ConfigurationException(what + " must be positive, got " + n, "");
        }
        return n;
    }
}
