package dev.pokepedia.snapshotserver;

/**
 * What a {@link SnapshotServer} has answered so far. {@code requests} counts every request to the API (not to
 * {@code /_stats}); the other counters split it by outcome.
 *
 * @param requests       every API request received
 * @param served         answered 200 with a body (or its headers, for HEAD)
 * @param notModified    answered 304 (If-None-Match / If-Modified-Since matched)
 * @param notFound       answered 404 (unknown endpoint, id, name or path)
 * @param injectedErrors answered 503 by the error-rate fault injection
 * @param rateLimited    answered 429 because the per-minute budget was spent
 * @param otherErrors    anything else: 405 for other methods, 500 for a bug
 */
public record ServerStats(long requests, long served, long notModified, long notFound, long injectedErrors,
                          long rateLimited, long otherErrors) {

    /** Faults this server injected on purpose (503 + 429). */
    public long injectedFaults() {
        return injectedErrors + rateLimited;
    }

    /** One line for a terminal. */
    public String summary() {
        return requests + " requests: " + served + " served, " + notModified + " not modified (304), " + notFound
                + " not found, " + injectedErrors + " injected 503, " + rateLimited + " rate-limited 429"
                + (otherErrors > 0 ? ", " + otherErrors + " other errors" : "");
    }
}
