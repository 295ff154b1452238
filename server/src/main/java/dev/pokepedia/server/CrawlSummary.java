package dev.pokepedia.server;

import java.time.Instant;

/**
 * The crawler's progress as the dashboard shows it. The server does not own {@code pokepedia_crawl_state}; whoever
 * wires {@link AdminActions} (serve, through the live path) answers {@link AdminActions#crawl()}.
 *
 * @param lastCheckedAt null when no document was crawled yet
 */
public record CrawlSummary(long documents, Instant lastCheckedAt, long changedLastHour) {}
