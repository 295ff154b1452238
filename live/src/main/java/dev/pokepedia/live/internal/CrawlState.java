package dev.pokepedia.live.internal;

import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.DocumentId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pokepedia_crawl_state}: the validators that make the next fetch of a document conditional. Reads and writes
 * take many documents at once (one statement each), so the ingest worker's group commit costs one round trip per
 * batch, not per document.
 */
public final class CrawlState {

    /** Validators to send, or both null when a full fetch is needed. */
    public record Validators(String etag, String lastModified) {
        public static final Validators NONE = new Validators(null, null);
    }

    /**
     * One fetch to record: 200 with the stored version's validators and sha, 304 (only checked_at moves), or 404/410.
     *
     * @param changed whether the stored document changed (stored anew, or tombstoned)
     */
    public record Fetch(DocumentId id, String url, int status, String etag, String lastModified, String sha256, boolean changed) {}

    private final Database database;

    public CrawlState(Database database) {
        this.database = database;
    }

    /**
     * The validators of the stored versions; documents without any are left out. None when we never fetched it, or
     * when the stored version is no longer the one they belong to (a snapshot import replaced it): a 304 would then
     * confirm the wrong document.
     */
    public Map<DocumentId, Validators> validators(Collection<DocumentId> ids) {
        Map<DocumentId, Validators> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        return database.withConnection("reading the crawl state of " + ids.size() + " document(s)", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.resource_type, s.resource_key, s.etag, s.last_modified
                      FROM unnest(?::text[], ?::text[]) AS u(t, k)
                      JOIN pokepedia_crawl_state s ON s.resource_type = u.t AND s.resource_key = u.k
                      JOIN pokeapi_resources r ON r.resource_type = s.resource_type AND r.resource_key = s.resource_key
                     WHERE r.sha256 = s.sha256 AND r.deleted_at IS NULL""")) {
                ps.setArray(1, c.createArrayOf("text", ids.stream().map(DocumentId::type).toArray()));
                ps.setArray(2, c.createArrayOf("text", ids.stream().map(DocumentId::key).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(new DocumentId(rs.getString(1), rs.getString(2)), new Validators(rs.getString(3), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    /** Records fetches, in one transaction; a document fetched twice keeps its last record. */
    public void record(List<Fetch> fetches) {
        Map<DocumentId, Fetch> last = new java.util.LinkedHashMap<>();
        fetches.forEach(f -> last.put(f.id(), f)); // why: one statement may not update the same row twice
        List<Fetch> notModified = new ArrayList<>();
        List<Fetch> fetched = new ArrayList<>();
        last.values().forEach(f -> (f.status() == 304 ? notModified : fetched).add(f));
        if (last.isEmpty()) {
            return;
        }
        database.inTransaction("recording the crawl state of " + last.size() + " document(s)", c -> {
            if (!notModified.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE pokepedia_crawl_state s SET checked_at = now(), last_status = 304, url = u.url
                          FROM unnest(?::text[], ?::text[], ?::text[]) AS u(url, t, k)
                         WHERE s.resource_type = u.t AND s.resource_key = u.k""")) {
                    ps.setArray(1, text(c, notModified.stream().map(Fetch::url).toList()));
                    ps.setArray(2, text(c, notModified.stream().map(f -> f.id().type()).toList()));
                    ps.setArray(3, text(c, notModified.stream().map(f -> f.id().key()).toList()));
                    ps.executeUpdate();
                }
            }
            if (!fetched.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO pokepedia_crawl_state AS s (url, resource_type, resource_key, etag, last_modified, sha256, last_status, changed_at)
                        SELECT u.url, u.t, u.k, u.e, u.lm, u.sha, u.st, CASE WHEN u.ch THEN now() END
                          FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::boolean[])
                               AS u(url, t, k, e, lm, sha, st, ch)
                        ON CONFLICT (resource_type, resource_key) DO UPDATE
                           SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,
                               sha256 = excluded.sha256, last_status = excluded.last_status, checked_at = now(),
                               changed_at = coalesce(excluded.changed_at, s.changed_at)""")) {
                    ps.setArray(1, text(c, fetched.stream().map(Fetch::url).toList()));
                    ps.setArray(2, text(c, fetched.stream().map(f -> f.id().type()).toList()));
                    ps.setArray(3, text(c, fetched.stream().map(f -> f.id().key()).toList()));
                    ps.setArray(4, text(c, fetched.stream().map(Fetch::etag).toList()));
                    ps.setArray(5, text(c, fetched.stream().map(Fetch::lastModified).toList()));
                    ps.setArray(6, text(c, fetched.stream().map(Fetch::sha256).toList()));
                    ps.setArray(7, c.createArrayOf("integer", fetched.stream().map(Fetch::status).toArray()));
                    ps.setArray(8, c.createArrayOf("boolean", fetched.stream().map(Fetch::changed).toArray()));
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private static java.sql.Array text(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }
}
