package dev.pokepedia.queue;

/**
 * What a graceful shutdown did.
 *
 * @param handedBack messages claimed but not started, made visible again at once for other workers
 * @param finished   handlers that were running when the shutdown began and completed within the timeout
 * @param abandoned  handlers still running at the timeout; their messages come back after their visibility timeout
 */
public record ShutdownReport(long handedBack, long finished, long abandoned) {
    public boolean clean() {
        return abandoned == 0;
    }
}
