package dev.pokepedia.queue;

/** Thrown by a handler when retrying cannot help (a poison message): the message is dead-lettered at once. */
public class PermanentFailureException extends RuntimeException {
    public PermanentFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
