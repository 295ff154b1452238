package dev.pokepedia.medialibrary.internal;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.medialibrary.ApplyResult;
import dev.pokepedia.medialibrary.AssetPage;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.ProviderAsset;
import dev.pokepedia.medialibrary.ProviderException;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ReconcileReport;
import dev.pokepedia.medialibrary.ReconcileReport.Change;
import dev.pokepedia.medialibrary.ReconcileReport.DiffEntry;
import dev.pokepedia.medialibrary.ResourceType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the provider page by page and brings the catalog in line: each page's changes, the seen marks, its log
 * entries and the cursor of the next page commit in one transaction, so a run stopped anywhere (crash, 420, 5xx)
 * resumes from the stored cursor and applies nothing twice. Assets missing from the provider are tombstoned only
 * after a listing that reached its last page. One run per (provider, cloud, prefix) at a time (advisory lock).
 */
public final class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final String DIRECTION = "provider_to_catalog";

    private final DataSource dataSource;
    private final MediaProvider provider;
    private final CatalogStore store;

    public Reconciler(DataSource dataSource, MediaProvider provider, CatalogStore store) {
        this.dataSource = dataSource;
        this.provider = provider;
        this.store = store;
    }

    /** A row as the diff needs it. */
    private record Known(String hash, Long version, boolean deleted) {
    }

    public ReconcileReport run(ReconcileOptions o) {
        try (Connection c = dataSource.getConnection()) {
            if (!lock(c, o.prefix())) {
                throw new PokepediaException(PokepediaException.ErrorCode.CONFIGURATION, "a reconcile of "
                        + provider.kind() + " " + provider.cloud() + " prefix '" + o.prefix() + "' is already running",
                        "wait for it to finish (GET /api/media/sync shows it)", null);
            }
            try {
                return o.dryRun() ? dry(c, o) : apply(c, o);
            } finally {
                unlock(c, o.prefix());
            }
        } catch (SQLException e) {
            throw new PokepediaException(PokepediaException.ErrorCode.DATABASE_UNAVAILABLE, "reconcile failed: "
                    + e.getMessage(), "rerun: it resumes from the last committed page", e);
        }
    }

    private ReconcileReport apply(Connection c, ReconcileOptions o) throws SQLException {
        c.setAutoCommit(false);
        long runId;
        String cursor = null;
        boolean resumed = false;
        Timestamp startedAt;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, cursor, started_at FROM media_sync_runs"
                + " WHERE provider = ? AND cloud = ? AND prefix = ? AND status IN ('running', 'interrupted')")) {
            scope(ps, o.prefix());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !o.force()) {
                    runId = rs.getLong(1);
                    cursor = rs.getString(2);
                    startedAt = rs.getTimestamp(3);
                    resumed = true;
                } else {
                    runId = -1;
                    startedAt = null;
                }
            }
        }
        if (resumed) {
            exec(c, "UPDATE media_sync_runs SET status = 'running', updated_at = now() WHERE id = ?", runId);
            log.info("resuming reconcile run {} of {} {} at cursor {}", runId, provider.kind(), provider.cloud(),
                    cursor == null ? "(start)" : "stored");
        } else {
            exec(c, "UPDATE media_sync_runs SET status = 'failed', finished_at = now(), last_error = 'superseded by a"
                    + " forced run' WHERE provider = ? AND cloud = ? AND prefix = ? AND status IN ('running',"
                    + " 'interrupted')", provider.kind(), provider.cloud(), o.prefix());
            // why: what superseded runs had seen is of no use any more
            exec(c, "DELETE FROM media_sync_run_seen WHERE run_id IN (SELECT id FROM media_sync_runs WHERE provider = ?"
                    + " AND cloud = ? AND prefix = ? AND status = 'failed')", provider.kind(), provider.cloud(), o.prefix());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO media_sync_runs (provider, cloud, prefix)"
                    + " VALUES (?, ?, ?) RETURNING id, started_at")) {
                scope(ps, o.prefix());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    runId = rs.getLong(1);
                    startedAt = rs.getTimestamp(2);
                }
            }
        }
        c.commit();

        String requestId = "reconcile-" + runId;
        int pages = 0;
        long seen = 0, added = 0, updated = 0, unchanged = 0;
        boolean complete = false;
        String error = null;
        try {
            while (true) {
                if (o.maxPages() > 0 && pages >= o.maxPages()) {
                    break;
                }
                AssetPage page = provider.list(o.prefix(), cursor, o.batchSize());
                Map<String, Known> known = known(c, page.assets());
                long pa = 0, pu = 0, pn = 0;
                Map<ResourceType, List<String>> ids = new HashMap<>();
                for (ProviderAsset a : page.assets()) {
                    ids.computeIfAbsent(a.type(), t -> new ArrayList<>()).add(a.publicId());
                    Known k = known.get(key(a.type(), a.publicId()));
                    if (k != null && !k.deleted() && CatalogStore.stateHash(a).equals(k.hash())) {
                        pn++;
                        continue;
                    }
                    long t0 = System.nanoTime();
                    ApplyResult r = store.upsert(c, a, null);
                    switch (r) {
                        case ADDED -> pa++;
                        case UPDATED -> pu++;
                        default -> pn++;
                    }
                    if (r == ApplyResult.ADDED || r == ApplyResult.UPDATED) {
                        store.log(c, r == ApplyResult.ADDED ? "reconcile_add" : "reconcile_update", DIRECTION,
                                a.publicId(), "success", null, (System.nanoTime() - t0) / 1_000_000, requestId,
                                Map.of("version", String.valueOf(a.version())));
                    }
                }
                for (var e : ids.entrySet()) {
                    store.markSeen(c, e.getKey(), e.getValue(), runId);
                }
                cursor = page.nextCursor();
                exec(c, "UPDATE media_sync_runs SET cursor = ?, pages = pages + 1, seen = seen + ?, added = added + ?,"
                        + " updated = updated + ?, unchanged = unchanged + ?, updated_at = now() WHERE id = ?",
                        cursor, (long) page.assets().size(), pa, pu, pn, runId);
                c.commit();
                pages++;
                seen += page.assets().size();
                added += pa;
                updated += pu;
                unchanged += pn;
                if (page.last()) {
                    complete = true;
                    break;
                }
            }
        } catch (ProviderException | SQLException e) {
            c.rollback();
            error = e.getMessage();
            log.warn("reconcile run {} of {} {} stopped: {}", runId, provider.kind(), provider.cloud(), error);
            exec(c, "UPDATE media_sync_runs SET status = 'interrupted', errors = errors + 1, last_error = ?,"
                    + " updated_at = now() WHERE id = ?", error, runId);
            store.log(c, "reconcile", DIRECTION, null, "error", error, 0, requestId, null);
            c.commit();
            if (e instanceof ProviderException pe && pe.kind() == ProviderException.Kind.UNAUTHORIZED) {
                c.setAutoCommit(true);
                throw pe; // why: credentials are a setting to fix, not a stop to rerun; the run resumes once fixed
            }
        }
        long deleted = 0;
        if (complete) {
            deleted = tombstoneUnseen(c, o.prefix(), runId, startedAt, requestId);
            exec(c, "UPDATE media_sync_runs SET status = 'completed', cursor = NULL, deleted = deleted + ?,"
                    + " finished_at = now(), updated_at = now() WHERE id = ?", deleted, runId);
            exec(c, "DELETE FROM media_sync_run_seen WHERE run_id = ?", runId);
            c.commit();
        } else if (error == null) {
            exec(c, "UPDATE media_sync_runs SET status = 'interrupted', updated_at = now() WHERE id = ?", runId);
            c.commit();
        }
        c.setAutoCommit(true);
        return new ReconcileReport(runId, complete, resumed, pages, seen, added, updated, unchanged, deleted,
                List.of(), error);
    }

    private ReconcileReport dry(Connection c, ReconcileOptions o) throws SQLException {
        List<DiffEntry> diff = new ArrayList<>();
        Set<String> seenKeys = new HashSet<>();
        String cursor = null;
        int pages = 0;
        long seen = 0, added = 0, updated = 0, unchanged = 0;
        String error = null;
        boolean complete = false;
        try {
            while (o.maxPages() == 0 || pages < o.maxPages()) {
                AssetPage page = provider.list(o.prefix(), cursor, o.batchSize());
                Map<String, Known> known = known(c, page.assets());
                for (ProviderAsset a : page.assets()) {
                    String k = key(a.type(), a.publicId());
                    seenKeys.add(k);
                    Known row = known.get(k);
                    if (row == null || row.deleted()) {
                        added++;
                        diff.add(new DiffEntry(Change.ADD, a.type(), a.publicId()));
                    } else if (!CatalogStore.stateHash(a).equals(row.hash())
                            && (row.version() == null || a.version() == null || a.version() >= row.version())) {
                        updated++;
                        diff.add(new DiffEntry(Change.UPDATE, a.type(), a.publicId()));
                    } else {
                        unchanged++;
                    }
                }
                pages++;
                seen += page.assets().size();
                cursor = page.nextCursor();
                if (page.last()) {
                    complete = true;
                    break;
                }
            }
        } catch (ProviderException e) {
            error = e.getMessage();
        }
        long deleted = 0;
        if (complete) {
            for (AssetRef ref : live(c, o.prefix())) {
                if (!seenKeys.contains(key(ref.type(), ref.publicId()))) {
                    deleted++;
                    diff.add(new DiffEntry(Change.DELETE, ref.type(), ref.publicId()));
                }
            }
        }
        return new ReconcileReport(null, complete, false, pages, seen, added, updated, unchanged, deleted, diff, error);
    }

    /** Tombstones live rows of the scope the finished run did not see and nobody touched since it started. */
    private long tombstoneUnseen(Connection c, String prefix, long runId, Timestamp startedAt, String requestId)
            throws SQLException {
        List<AssetRef> gone = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT resource_type, public_id FROM media_assets"
                + " WHERE provider = ? AND cloud = ? AND deleted_at IS NULL AND public_id LIKE ? ESCAPE '\\'"
                + " AND NOT EXISTS (SELECT 1 FROM media_sync_run_seen s WHERE s.run_id = ? AND s.resource_type ="
                + " media_assets.resource_type AND s.public_id = media_assets.public_id)"
                + " AND (last_synced_at IS NULL OR last_synced_at < ?)")) {
            ps.setString(1, provider.kind());
            ps.setString(2, provider.cloud());
            ps.setString(3, like(prefix));
            ps.setLong(4, runId);
            ps.setTimestamp(5, startedAt);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    gone.add(new AssetRef(ResourceType.of(rs.getString(1)), rs.getString(2)));
                }
            }
        }
        long n = 0;
        for (AssetRef ref : gone) {
            if (store.tombstone(c, ref, null, null) == ApplyResult.DELETED) {
                n++;
                store.log(c, "reconcile_delete", DIRECTION, ref.publicId(), "success", null, 0, requestId, null);
            }
        }
        return n;
    }

    private List<AssetRef> live(Connection c, String prefix) throws SQLException {
        List<AssetRef> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT resource_type, public_id FROM media_assets"
                + " WHERE provider = ? AND cloud = ? AND deleted_at IS NULL AND public_id LIKE ? ESCAPE '\\'")) {
            ps.setString(1, provider.kind());
            ps.setString(2, provider.cloud());
            ps.setString(3, like(prefix));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AssetRef(ResourceType.of(rs.getString(1)), rs.getString(2)));
                }
            }
        }
        return out;
    }

    private Map<String, Known> known(Connection c, List<ProviderAsset> assets) throws SQLException {
        Map<String, Known> out = new HashMap<>();
        if (assets.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT resource_type, public_id, state_hash, provider_version,"
                + " deleted_at IS NOT NULL FROM media_assets WHERE provider = ? AND cloud = ? AND public_id = ANY (?)")) {
            ps.setString(1, provider.kind());
            ps.setString(2, provider.cloud());
            ps.setArray(3, c.createArrayOf("text", assets.stream().map(ProviderAsset::publicId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1) + "\u0000" + rs.getString(2),
                            new Known(rs.getString(3), (Long) rs.getObject(4), rs.getBoolean(5)));
                }
            }
        }
        return out;
    }

    private static String key(ResourceType t, String publicId) {
        return t.wire() + "\u0000" + publicId;
    }

    private static String like(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private void scope(PreparedStatement ps, String prefix) throws SQLException {
        ps.setString(1, provider.kind());
        ps.setString(2, provider.cloud());
        ps.setString(3, prefix);
    }

    private boolean lock(Connection c, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 700))")) {
            ps.setString(1, provider.kind() + "/" + provider.cloud() + "/" + prefix);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private void unlock(Connection c, String prefix) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 700))")) {
            ps.setString(1, provider.kind() + "/" + provider.cloud() + "/" + prefix);
            ps.execute();
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
