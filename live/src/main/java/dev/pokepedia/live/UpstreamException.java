package dev.pokepedia.live;

import dev.pokepedia.core.PokepediaException;
import java.time.Duration;

/**
 * The upstream server did not give us a usable answer. {@code retryable}: worth asking again later (5xx, 429,
 * timeouts, a broken connection), with {@code retryAfter} if the server said when; otherwise asking again cannot help
 * until something changes upstream (an HTML page, a redirect loop, a 4xx).
 */
public class UpstreamException extends PokepediaException {
    private final boolean retryable;
    private final Duration retryAfter;

    public UpstreamException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(ErrorCode.BAD_SOURCE, message, retryable ? "Check that the upstream is reachable and answering; queued work is retried with backoff, a seed can simply be rerun."
                : "Check the upstream URL (--from / POKEPEDIA_UPSTREAM).", cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }

    /** What the server asked for in {@code Retry-After}, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
