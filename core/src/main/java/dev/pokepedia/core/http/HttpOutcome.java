package dev.pokepedia.core.http;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;

/** What a GET through {@link PoliteHttpClient} came to, after its retries. */
public sealed interface HttpOutcome {

    /** The URL asked for. */
    URI uri();

    /** Requests sent for it, the first included. */
    int attempts();

    /** 2xx or 304. {@code body} is empty for a 304; {@code finalUri} differs from {@code uri} after redirects. */
    record Ok(URI uri, int status, HttpHeaders headers, byte[] body, URI finalUri, int attempts) implements HttpOutcome {
        public boolean notModified() {
            return status == 304;
        }
    }

    /** 404 or 410: the resource is not there (not an error, never retried). */
    record Gone(URI uri, int status, int attempts) implements HttpOutcome {}

    /**
     * No usable answer.
     *
     * @param retryAfter what the server asked for in {@code Retry-After} (not capped), or null
     * @param cause      the exception behind it, or null
     */
    record Failed(URI uri, HttpProblem problem, Duration retryAfter, int attempts, Throwable cause) implements HttpOutcome {

        /** The URL, what went wrong, and how many attempts were made when the client retried. */
        public String message() {
            return uri + problem.describe()
                    + (problem.retriedInline() ? " after " + attempts + (attempts == 1 ? " attempt" : " attempts") : "");
        }
    }
}
