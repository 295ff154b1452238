package dev.pokepedia.syncclient;

/** Status of an outbox operation. */
public enum OpStatus {
    /** Waiting to be pushed (possibly not before its next attempt time). */
    PENDING,
    /** Handed to a push; goes back to pending when the process died before the answer. */
    SYNCING,
    /** The server applied it. */
    COMPLETED,
    /** Given up after the configured retries; {@link Outbox#retryFailed()} queues it again. */
    FAILED;

    public String db() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static OpStatus fromDb(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
