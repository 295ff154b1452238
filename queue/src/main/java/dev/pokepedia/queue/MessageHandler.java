package dev.pokepedia.queue;

/**
 * Processes one message. Returning normally means done (the message is deleted, or archived); throwing means this
 * attempt failed (it is retried with backoff, and dead-lettered with the error after the last attempt).
 *
 * <p>Must be idempotent: a message can be delivered again when a worker dies, or takes longer than the visibility
 * timeout, between finishing the work and the deletion. Runs on a virtual thread; blocking is fine.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Message message) throws Exception;
}
