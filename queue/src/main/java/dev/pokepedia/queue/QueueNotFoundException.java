package dev.pokepedia.queue;

/** The named queue does not exist (never created, or dropped). */
public class QueueNotFoundException extends QueueException {
    private final String queue;

    public QueueNotFoundException(String queue, Throwable cause) {
        super(ErrorCode.CONFIGURATION, "Queue '" + queue + "' does not exist",
                "Create it first with Queues.create(\"" + queue + "\") (or SELECT pokepedia_queue_create('" + queue + "')).", cause);
        this.queue = queue;
    }

    public String queue() {
        return queue;
    }
}
