package dev.pokepedia.queue;

import dev.pokepedia.core.PokepediaException;

/** A queue operation failed: bad input, a lost database, or a bug. */
public class QueueException extends PokepediaException {
    public QueueException(ErrorCode code, String message, String hint, Throwable cause) {
        super(code, message, hint, cause);
    }
}
