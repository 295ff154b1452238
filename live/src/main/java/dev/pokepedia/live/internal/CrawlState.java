package dev.pokepedia.live.internal;

import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.DocumentId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** {@code pokepedia_crawl_state}: the validators that make the next fetch of a document conditional. */
public final class CrawlState {

    /** Validators to send, or both null when a full fetch is needed. */
    public record Validators(String etag, String lastModified) {
        static final Validators NONE = new Validators(null, null);
    }

    private final Database database;

    public CrawlState(Database database) {
        this.database = database;
    }

    /**
     * The validators of the stored version. None when we never fetched it, or when the stored version is no longer
     * the one they belong to (a snapshot import replaced it): a 304 would then confirm the wrong document.
     */
    public Validators validators(DocumentId id) {
        return database.withConnection("reading the crawl state of " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.etag, s.last_modified
                      FROM pokepedia_crawl_state s
                      JOIN pokeapi_resources r ON r.resource_type = s.resource_type AND r.resource_key = s.resource_key
                     WHERE s.resource_type = ? AND s.resource_key = ? AND r.sha256 = s.sha256 AND r.deleted_at IS NULL""")) {
                ps.setString(1, id.type());
                ps.setString(2, id.key());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Validators(rs.getString(1), rs.getString(2)) : Validators.NONE;
                }
            }
        });
    }

    /** Records a fetch: 200 with the stored version's validators and sha, 304 (only checked_at moves), or 404/410. */
    public void record(DocumentId id, String url, int status, String etag, String lastModified, String sha256, boolean changed) {
        String sql = status == 304
                ? "UPDATE pokepedia_crawl_state SET checked_at = now(), last_status = 304, url = ? WHERE resource_type = ? AND resource_key = ?"
                : """
                INSERT INTO pokepedia_crawl_state AS s (url, resource_type, resource_key, etag, last_modified, sha256, last_status, changed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN now() END)
                ON CONFLICT (resource_type, resource_key) DO UPDATE
                   SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,
                       sha256 = excluded.sha256, last_status = excluded.last_status, checked_at = now(),
                       changed_at = coalesce(excluded.changed_at, s.changed_at)""";
        database.withConnection("recording the crawl state of " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, url);
                ps.setString(2, id.type());
                ps.setString(3, id.key());
                if (status != 304) {
                    ps.setString(4, etag);
                    ps.setString(5, lastModified);
                    ps.setString(6, sha256);
                    ps.setInt(7, status);
                    ps.setBoolean(8, changed);
                }
                return ps.executeUpdate();
            }
        });
    }
}
