package dev.pokepedia.medialibrary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.queue.Message;
import dev.pokepedia.queue.MessageHandler;
import dev.pokepedia.queue.PermanentFailureException;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.queue.WorkerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verified provider notifications through a durable queue: the webhook route only {@link #enqueue enqueues} (one
 * insert, then the 200), and a queue worker {@link #handler applies} them. A process that dies after the
 * acknowledgement loses nothing: the message waits for the next worker; a failed application is retried with backoff
 * and dead-lettered after the last attempt, where the dashboard shows it (and the next reconcile repairs the asset).
 */
public final class MediaWebhookQueue {

    /** The queue's name (a contract with operators: it shows on the dashboard and in {@code pokepedia work}). */
    public static final String QUEUE = "media_library_webhooks";

    private static final Logger log = LoggerFactory.getLogger(MediaWebhookQueue.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Queues queues;
    private final MediaLibrary library;

    public MediaWebhookQueue(Queues queues, MediaLibrary library) {
        this.queues = queues;
        this.library = library;
    }

    /** Creates the queue if it is missing (idempotent). */
    public MediaWebhookQueue ensureQueue() {
        queues.create(QUEUE);
        return this;
    }

    /**
     * Stores the notification durably. A notification whose request id is still waiting in the queue is not queued
     * twice (the provider retries unanswered webhooks).
     *
     * @return whether it was queued (false: the same request is already waiting)
     */
    public boolean enqueue(Notification n) {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", n.type()).put("signed_at", n.signedAt().toString()).put("request_id", n.requestId()).set("body", n.body());
        return !queues.sendUnique(QUEUE, List.of(m.toString()), List.of("notification:" + n.requestId())).isEmpty();
    }

    /** The worker's settings: a few at a time (applying may call the provider), retried five times. */
    public WorkerConfig workerConfig() {
        return WorkerConfig.of(QUEUE).withConcurrency(4).withBatchSize(8).withVisibilityTimeout(Duration.ofMinutes(2)).withMaxAttempts(5);
    }

    /** Applies one queued notification (idempotent, as {@link MediaLibrary#apply} is). */
    public MessageHandler handler() {
        return this::apply;
    }

    private void apply(Message message) throws Exception {
        Notification n = decode(message);
        try {
            Map<String, ApplyResult> done = library.apply(n);
            log.debug("applied notification {} ({}): {}", n.requestId(), n.type(), done);
        } catch (WebhookRejectedException e) {
            // why permanent: the body will not become well-formed by retrying
            throw new PermanentFailureException("notification " + n.requestId() + " (" + n.type() + ") cannot be applied: "
                    + e.getMessage(), e);
        }
    }

    static Notification decode(Message message) {
        try {
            JsonNode m = JSON.readTree(message.body());
            return new Notification(m.path("type").asText(), Instant.parse(m.path("signed_at").asText()), m.path("request_id").asText(),
                    m.path("body"));
        } catch (Exception e) {
            throw new PermanentFailureException("queued message " + message.id() + " of " + QUEUE + " is not a notification: "
                    + e.getMessage(), e);
        }
    }
}
