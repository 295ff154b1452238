package dev.pokepedia.media;

import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.core.PlannerStatistics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pokepedia_assets}: built from the canonical store, read by the mirror engine, updated with outcomes. */
public final class AssetManifest {

    /** What a manifest refresh did. */
    public record Refresh(long documentsScanned, long referencesFound, long assetsAdded) {}

    /** What happened to one asset in a mirror run. */
    public record Outcome(long assetId, AssetStatus status, String sha256, Long bytes, String contentType, String missingFrom, String error,
                          String sourceStamp) {

        public Outcome(long assetId, AssetStatus status, String sha256, Long bytes, String contentType, String missingFrom, String error) {
            this(assetId, status, sha256, bytes, contentType, missingFrom, error, null);
        }
    }

    /** Per-bucket state, for summaries, verify and the dashboard. */
    public record BucketState(String bucket, long total, long stored, long missing, long failed, long pending, long storedBytes) {}

    private final Database database;

    private static final int EXAMPLES = 20;
    private static final String ASSET_COLUMNS = "a.id, a.bucket, a.path, a.source_url, a.asset_kind, a.status, a.sha256, a.missing_from, a.source_stamp";

    private static Asset asset(ResultSet rs) throws SQLException {
        return new Asset(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), AssetKind.fromSql(rs.getString(5)),
                AssetStatus.fromSql(rs.getString(6)), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    public AssetManifest(Database database) {
        this.database = database;
    }

    /** Adds every media URL referenced by documents that changed since the last refresh. */
    public Refresh refresh() {
        return database.inTransaction("refreshing the asset manifest", c -> {
            try (Statement st = c.createStatement()) {
                // why: several workers refresh after storing documents; one at a time, the later one finds the work done
                // instead of scanning the same documents and deadlocking on the same rows
                st.execute("SELECT pg_advisory_xact_lock(hashtext('pokepedia:asset-manifest'))");
                Refresh r;
                try (ResultSet rs = st.executeQuery("SELECT * FROM pokepedia_refresh_asset_manifest()")) {
                    rs.next();
                    r = new Refresh(rs.getLong(1), rs.getLong(2), rs.getLong(3));
                }
                // why: without statistics (a new manifest; autovacuum late, or off as on the development machine) the planner
                // misjudged the 56k rows and a bulk run's lookups took 100-200 ms each instead of 10-50. The row count
                // decides, not modified rows: every mirror run rewrites most rows' status, which moves no plan, and
                // analyzing (~0.1 s) after each run would cost every rerun that.
                PlannerStatistics.refreshIfStale(st, "pokepedia_assets", "asset_kind, bucket, path, status, missing_from",
                        PlannerStatistics.Drift.ROW_COUNT);
                return r;
            }
        });
    }

    /** Assets of one kind to work on; with {@code includeStored} also those already stored. */
    public List<Asset> due(AssetKind kind, boolean includeStored) {
        String sql = "SELECT " + ASSET_COLUMNS + " FROM pokepedia_assets a WHERE asset_kind = ?"
                + (includeStored ? "" : " AND status <> 'stored'");
        List<Asset> out = new ArrayList<>();
        return database.withConnection("listing due " + kind + " assets", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, kind.sql());
                ps.setFetchSize(5000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(asset(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * As {@link #due}, limited to the given paths (what a listed source holds) plus any path that could leave a folder
     * (absolute, or with a {@code .}/{@code ..} segment), so the source still refuses those by name.
     */
    public List<Asset> dueAmong(AssetKind kind, java.util.Set<String> paths, boolean includeStored) {
        String unstored = includeStored ? "" : " AND a.status <> 'stored'";
        // why: the listed paths are looked up in the (bucket, path) index instead of matching every row of the kind
        // against the list; the odd paths come from their own small partial index (V202)
        String sql = "SELECT " + ASSET_COLUMNS + " FROM unnest(?::text[]) p(path) JOIN pokepedia_assets a ON a.bucket = ? AND a.path = p.path"
                + " WHERE a.asset_kind = ? AND NOT (" + ODD_PATH.replace("path", "a.path") + ")" + unstored
                + " UNION ALL SELECT " + ASSET_COLUMNS + " FROM pokepedia_assets a WHERE a.asset_kind = ? AND (" + ODD_PATH + ")" + unstored;
        List<Asset> out = new ArrayList<>();
        return database.inTransaction("listing due " + kind + " assets of the source", c -> {
            cachedTablePlanning(c);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("text", paths.toArray()));
                ps.setString(2, kind.bucket());
                ps.setString(3, kind.sql());
                ps.setString(4, kind.sql());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(asset(rs));
                    }
                }
            }
            return out;
        });
    }

    /**
     * why: a bulk run's lookups touch a manifest that sits in shared buffers, where an index probe costs what a page of
     * a sequential scan does; at the default random_page_cost the planner scanned all 56k rows (50 ms on this machine)
     * instead of probing the (bucket, path) index 4k times (20 ms). Parallel workers only compete with the mirror's
     * own threads for the cores.
     */
    private static void cachedTablePlanning(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL random_page_cost = 1.1; SET LOCAL max_parallel_workers_per_gather = 0");
        }
    }

    /** What {@link #settleAbsent} found per bucket: assets now missing, stored ones kept, rows changed, a few example paths. */
    public record Absent(Map<String, long[]> missingAndKept, long changed, List<String> examples) {}

    /**
     * Records every asset of a kind that a listed source does not hold as missing from it, in one update over the
     * kind: the bulk counterpart of a source reporting each absent file. Stored assets stay stored (a source lacking a file we
     * hold does not undo it); rows already missing from the same source are left untouched. With {@code dryRun} it
     * only counts.
     */
    public Absent settleAbsent(AssetKind kind, java.util.Set<String> present, String source, boolean dryRun) {
        String where = " WHERE a.asset_kind = ? AND NOT (" + ODD_PATH.replace("path", "a.path") + ")"
                + " AND NOT EXISTS (SELECT 1 FROM unnest(?::text[]) p(path) WHERE p.path = a.path)";
        String absent = " FROM pokepedia_assets a" + where;
        String needsChange = "a.status <> 'stored' AND (a.status <> 'missing' OR a.missing_from IS DISTINCT FROM ?)";
        // why counted first, updated only when needed: a rerun changes nothing, and then one pass over the kind is all
        // it costs (no materialized copy of the 50k absent rows, no update scanning them again)
        String count = "SELECT a.bucket, count(*) FILTER (WHERE a.status <> 'stored'), count(*) FILTER (WHERE a.status = 'stored'),"
                + " count(*) FILTER (WHERE " + needsChange + ")" + absent + " GROUP BY a.bucket";
        String update = "UPDATE pokepedia_assets a SET status = 'missing', missing_from = ?, last_error = NULL, attempts = 0, updated_at = now()"
                + where + " AND " + needsChange;
        String sample = "SELECT a.bucket, a.path" + absent + " AND a.status <> 'stored' LIMIT " + EXAMPLES;
        return database.inTransaction("recording " + kind + " assets absent from " + source, c -> {
            cachedTablePlanning(c);
            java.sql.Array listed = c.createArrayOf("text", present.toArray());
            Map<String, long[]> counts = new LinkedHashMap<>();
            long toChange = 0;
            try (PreparedStatement ps = c.prepareStatement(count)) {
                ps.setString(1, source);
                ps.setString(2, kind.sql());
                ps.setArray(3, listed);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                        toChange += rs.getLong(4);
                    }
                }
            }
            long changedRows = 0;
            if (toChange > 0 && !dryRun) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL synchronous_commit = off"); // why: as in record(); a rerun settles the same rows again
                }
                try (PreparedStatement ps = c.prepareStatement(update)) {
                    ps.setString(1, source);
                    ps.setString(2, kind.sql());
                    ps.setArray(3, listed);
                    ps.setString(4, source);
                    changedRows = ps.executeUpdate();
                }
            }
            List<String> examples = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sample)) {
                ps.setString(1, kind.sql());
                ps.setArray(2, listed);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        examples.add(rs.getString(1) + "/" + rs.getString(2));
                    }
                }
            }
            return new Absent(counts, changedRows, examples);
        });
    }

    /** Paths a folder source must refuse by name rather than report absent. */
    // why: LIKE, not a regular expression: the settle tests it on every row of a kind; it also catches harmless
    // dot-files, which then simply take the per-file path. V202's partial index repeats it word for word.
    private static final String ODD_PATH = "path LIKE '/%' OR path LIKE '.%' OR path LIKE '%/.%'";

    /** The storage the stored rows describe ({@link ObjectStore#describe()}), if a mirror run recorded one. */
    public java.util.Optional<String> storageTarget() {
        return database.withConnection("reading the recorded storage", c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT target FROM pokepedia_asset_storage")) {
                return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.<String>empty();
            }
        });
    }

    /** Whether any asset is recorded as stored. */
    public boolean anyStored() {
        return database.withConnection("checking for stored assets", c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM pokepedia_assets WHERE status = 'stored')")) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    /** Records that the stored rows now describe {@code target}. */
    public void recordStorageTarget(String target) {
        database.withConnection("recording the storage", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO pokepedia_asset_storage (target) VALUES (?)
                    ON CONFLICT (singleton) DO UPDATE SET target = excluded.target, updated_at = now()""")) {
                ps.setString(1, target);
                return ps.executeUpdate();
            }
        });
    }

    /** One asset by its place in storage. */
    public java.util.Optional<Asset> find(String bucket, String path) {
        return database.withConnection("reading asset " + bucket + "/" + path, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + ASSET_COLUMNS + " FROM pokepedia_assets a WHERE bucket = ? AND path = ?")) {
                ps.setString(1, bucket);
                ps.setString(2, path);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(asset(rs)) : java.util.Optional.<Asset>empty();
                }
            }
        });
    }

    /**
     * Where (bucket, path) of the assets that the given documents reference and that are not stored yet (pending
     * or failed): what a crawler hands to the sprite worker after storing those documents.
     */
    public List<AssetRef> unstoredReferencedBy(Collection<DocumentId> documents) {
        if (documents.isEmpty()) {
            return List.of();
        }
        return database.withConnection("listing unstored assets of " + documents.size() + " document(s)", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT DISTINCT a.bucket, a.path
                      FROM unnest(?::text[], ?::text[]) AS d(t, k)
                      JOIN pokepedia_asset_refs r ON r.resource_type = d.t AND r.resource_id = d.k
                      JOIN pokepedia_assets a ON a.bucket = r.bucket AND a.path = r.path
                     WHERE a.status IN ('pending', 'failed')
                     ORDER BY 1, 2""")) {
                ps.setArray(1, c.createArrayOf("text", documents.stream().map(DocumentId::type).toArray()));
                ps.setArray(2, c.createArrayOf("text", documents.stream().map(DocumentId::key).toArray()));
                List<AssetRef> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AssetRef(rs.getString(1), rs.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Sets failed assets (of one bucket, or all when {@code bucket} is null) back to pending, so the next media run or
     * sprite worker fetches them again; returns how many.
     */
    public int resetFailed(String bucket) {
        return database.withConnection("setting failed assets back to pending", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE pokepedia_assets SET status = 'pending', last_error = NULL, updated_at = now()
                     WHERE status = 'failed' AND (?::text IS NULL OR bucket = ?)""")) {
                ps.setString(1, bucket);
                ps.setString(2, bucket);
                return ps.executeUpdate();
            }
        });
    }

    /** Where (bucket, path) of every asset not stored yet, optionally first setting failed ones back to pending. */
    public List<AssetRef> unstored(boolean resetFailed) {
        if (resetFailed) {
            resetFailed(null);
        }
        return database.withConnection("listing unstored assets", c -> {
            try (Statement st = c.createStatement()) {
                List<AssetRef> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT bucket, path FROM pokepedia_assets WHERE status = 'pending' ORDER BY bucket, path")) {
                    while (rs.next()) {
                        out.add(new AssetRef(rs.getString(1), rs.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Records outcomes in one statement. A row becomes 'stored' only through an outcome the engine creates after the
     * backend confirmed the write.
     */
    public void record(Collection<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        // why: most outcomes of a first run against a partial source are "missing from X"; they need only their ids
        Map<String, List<Long>> missingBySource = new LinkedHashMap<>();
        List<Outcome> others = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.status() == AssetStatus.MISSING && o.missingFrom() != null) {
                missingBySource.computeIfAbsent(o.missingFrom(), k -> new ArrayList<>()).add(o.assetId());
            } else {
                others.add(o);
            }
        }
        database.inTransaction("recording " + outcomes.size() + " asset outcome(s)", c -> {
            try (Statement st = c.createStatement()) {
                // why: losing the last moment of records in a crash only means those objects are found intact in the
                // store (same SHA-256) on the rerun; not waiting for WAL flushes makes recording several times faster
                st.execute("SET LOCAL synchronous_commit = off");
            }
            for (var e : missingBySource.entrySet()) {
                recordMissing(c, e.getKey(), e.getValue());
            }
            if (!others.isEmpty()) {
                recordOthers(c, others);
            }
            return null;
        });
    }

    private static void recordMissing(Connection c, String source, List<Long> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE pokepedia_assets SET status = 'missing', missing_from = ?, last_error = NULL, attempts = 0, updated_at = now()
                 WHERE id = ANY(?::bigint[]) AND (status <> 'missing' OR missing_from IS DISTINCT FROM ?)""")) {
            ps.setString(1, source);
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            ps.setString(3, source);
            ps.executeUpdate();
        }
    }

    private static void recordOthers(Connection c, List<Outcome> outcomes) throws SQLException {
        int n = outcomes.size();
        Long[] ids = new Long[n];
        String[] status = new String[n];
        String[] sha = new String[n];
        Long[] bytes = new Long[n];
        String[] type = new String[n];
        String[] missing = new String[n];
        String[] error = new String[n];
        String[] stamp = new String[n];
        int i = 0;
        for (Outcome o : outcomes) {
            ids[i] = o.assetId();
            status[i] = o.status().sql();
            sha[i] = o.sha256();
            bytes[i] = o.bytes();
            type[i] = o.contentType();
            missing[i] = o.missingFrom();
            error[i] = o.error();
            stamp[i] = o.sourceStamp();
            i++;
        }
        String sql = """
                UPDATE pokepedia_assets a SET
                       status = u.status,
                       sha256 = coalesce(u.sha256, a.sha256),
                       bytes = coalesce(u.bytes, a.bytes),
                       content_type = coalesce(u.content_type, a.content_type),
                       missing_from = CASE WHEN u.status = 'missing' THEN u.missing_from END,
                       last_error = CASE WHEN u.status = 'failed' THEN u.error END,
                       attempts = CASE WHEN u.status = 'failed' THEN a.attempts + 1 ELSE 0 END,
                       stored_at = CASE WHEN u.status = 'stored' AND a.sha256 IS DISTINCT FROM u.sha256 THEN now() ELSE a.stored_at END,
                       source_stamp = CASE WHEN u.status = 'stored' THEN u.source_stamp END,
                       updated_at = now()
                  FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
                       AS u(id, status, sha256, bytes, content_type, missing_from, error, source_stamp)
                 WHERE a.id = u.id
                   -- why: reruns report most assets exactly as they are; skip rewriting rows that would not change
                   AND (a.status IS DISTINCT FROM u.status OR a.sha256 IS DISTINCT FROM coalesce(u.sha256, a.sha256)
                        OR a.missing_from IS DISTINCT FROM u.missing_from OR u.status = 'failed'
                        OR (u.status = 'stored' AND a.source_stamp IS DISTINCT FROM u.source_stamp))""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("text", status));
            ps.setArray(3, c.createArrayOf("text", sha));
            ps.setArray(4, c.createArrayOf("bigint", bytes));
            ps.setArray(5, c.createArrayOf("text", type));
            ps.setArray(6, c.createArrayOf("text", missing));
            ps.setArray(7, c.createArrayOf("text", error));
            ps.setArray(8, c.createArrayOf("text", stamp));
            ps.executeUpdate();
        }
    }

    /** An asset whose last attempt failed, for the dashboard's error list. */
    public record FailedAsset(AssetRef where, java.time.Instant at, String error, int attempts) {}

    /** The assets that failed most recently, newest first. */
    public List<FailedAsset> recentlyFailed(int limit) {
        return database.withConnection("listing recently failed assets", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT bucket, path, updated_at, last_error, attempts FROM pokepedia_assets WHERE status = ?
                     ORDER BY updated_at DESC LIMIT ?""")) {
                ps.setString(1, AssetStatus.FAILED.sql());
                ps.setInt(2, limit);
                List<FailedAsset> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new FailedAsset(new AssetRef(rs.getString(1), rs.getString(2)), rs.getTimestamp(3).toInstant(),
                                rs.getString(4), rs.getInt(5)));
                    }
                }
                return out;
            }
        });
    }

    public Map<String, BucketState> buckets() {
        String sql = """
                SELECT bucket, count(*), count(*) FILTER (WHERE status = 'stored'), count(*) FILTER (WHERE status = 'missing'),
                       count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'pending'),
                       coalesce(sum(bytes) FILTER (WHERE status = 'stored'), 0)
                  FROM pokepedia_assets GROUP BY bucket ORDER BY bucket""";
        Map<String, BucketState> out = new LinkedHashMap<>();
        return database.withConnection("counting assets per bucket", c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    out.put(rs.getString(1), new BucketState(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7)));
                }
                return out;
            }
        });
    }
}
