package dev.pokepedia.live;

import dev.pokepedia.core.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;

/** Read-only answers about the crawler's progress for operators (the admin dashboard, through {@code serve}). */
public final class CrawlStatus {

    /**
     * How far the crawl is.
     *
     * @param documents       documents with a crawl state (fetched at least once)
     * @param lastCheckedAt   the newest check of any document, or null when none was crawled yet
     * @param changedLastHour documents whose content changed in the last hour
     */
    public record Summary(long documents, Instant lastCheckedAt, long changedLastHour) {}

    private final Database db;

    public CrawlStatus(Database db) {
        this.db = db;
    }

    public Summary summary() {
        return db.withConnection("reading the crawl progress", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*), max(checked_at), count(*) FILTER (WHERE changed_at > now() - interval '1 hour')
                      FROM pokepedia_crawl_state""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp last = rs.getTimestamp(2);
                return new Summary(rs.getLong(1), last == null ? null : last.toInstant(), rs.getLong(3));
            }
        });
    }
}
