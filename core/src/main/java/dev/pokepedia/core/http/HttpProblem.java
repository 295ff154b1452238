package dev.pokepedia.core.http;

import java.net.URI;
import java.time.Duration;

/** Why a GET did not give a usable answer; {@link #describe()} is the text that follows the URL in a message. */
public sealed interface HttpProblem {

    /** The text after the URL, e.g. {@code " answered HTTP 403"} or {@code ": connection broke off (reset)"}. */
    String describe();

    /** Asking again (now or later) may help: 408, 425, 429, 5xx, timeouts, broken connections, an HTML page. */
    default boolean retryable() {
        return false;
    }

    /** Retried inside the client (with backoff); an HTML page is not, since it rarely heals within seconds. */
    default boolean retriedInline() {
        return retryable();
    }

    /** A status that is neither ok nor gone: 408/425/429/5xx are retryable, other 4xx (and 1xx) are not. */
    record Status(int status, Duration retryAfter) implements HttpProblem {
        @Override
        public boolean retryable() {
            return status == 408 || status == 425 || status == 429 || status >= 500;
        }

        @Override
        public String describe() {
            if (!retryable()) {
                return " answered HTTP " + status;
            }
            return ": HTTP " + status + (retryAfter == null ? "" : " (Retry-After " + PoliteHttpClient.human(retryAfter) + ")");
        }
    }

    /** An HTML page where {@code wanted} was expected; {@code redirectedTo} is where it came from, null if not redirected. */
    record Html(int status, String contentType, String wanted, URI redirectedTo) implements HttpProblem {
        @Override
        public boolean retryable() {
            return true;
        }

        @Override
        public boolean retriedInline() {
            return false;
        }

        @Override
        public String describe() {
            return (redirectedTo == null ? "" : " (redirected to " + redirectedTo + ")") + " answered an HTML page instead of "
                    + wanted + " (content type " + (contentType.isBlank() ? "none" : contentType) + ")";
        }
    }

    /** The body is over {@code limit} bytes; {@code declared} is its Content-Length, -1 when it was streamed. */
    record TooLarge(long limit, long declared) implements HttpProblem {
        @Override
        public String describe() {
            return " answered a body larger than the " + limit + "-byte limit"
                    + (declared >= 0 ? " (Content-Length " + declared + ")" : "");
        }
    }

    /** No connection, no answer or no complete answer within {@code limit}; {@code what} says which. */
    record TimedOut(String what, Duration limit) implements HttpProblem {
        @Override
        public boolean retryable() {
            return true;
        }

        @Override
        public String describe() {
            return ": " + what + " within " + PoliteHttpClient.human(limit);
        }
    }

    /** The connection could not be made or broke off: {@code reason} says which, with the JDK's detail. */
    record ConnectionFailed(String reason) implements HttpProblem {
        @Override
        public boolean retryable() {
            return true;
        }

        @Override
        public String describe() {
            return ": " + reason;
        }
    }

    /** A redirect that was not followed: a loop, too many hops, an https → http downgrade, no Location. */
    record Redirect(String reason) implements HttpProblem {
        @Override
        public String describe() {
            return reason;
        }
    }

    /** Anything else (a bug, a malformed request); not retried. */
    record Unexpected(Throwable error) implements HttpProblem {
        @Override
        public String describe() {
            return ": " + error;
        }
    }
}
