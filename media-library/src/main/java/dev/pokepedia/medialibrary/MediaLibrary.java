package dev.pokepedia.medialibrary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.medialibrary.internal.CatalogMemory;
import dev.pokepedia.medialibrary.internal.CatalogReader;
import dev.pokepedia.medialibrary.internal.MemoryKeeper;
import dev.pokepedia.medialibrary.internal.CatalogStore;
import dev.pokepedia.medialibrary.internal.CloudinaryProvider;
import dev.pokepedia.medialibrary.internal.Reconciler;
import dev.pokepedia.medialibrary.internal.UploadCheck;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media library catalog of one provider (a Cloudinary cloud or an S3 bucket): reconciliation, webhook
 * notifications, and reads. The public API other modules use; the tables stay behind it. Thread-safe.
 */
public final class MediaLibrary {

    private static final Logger log = LoggerFactory.getLogger(MediaLibrary.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IN = "provider_to_catalog";

    private final DataSource dataSource;
    private final MediaProvider provider;
    private final CatalogStore store;
    private final CatalogReader reader;
    private volatile MemoryKeeper memory;
    private final java.util.concurrent.ConcurrentHashMap<String, List<String>> queryWords =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.time.Clock clock = java.time.Clock.systemUTC(); // why a field: only the statistics' age uses it
    private final java.util.concurrent.atomic.AtomicReference<CachedStatistics> cachedStatistics =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.locks.ReentrantLock statisticsLock = new java.util.concurrent.locks.ReentrantLock();

    public MediaLibrary(DataSource dataSource, MediaProvider provider) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.store = new CatalogStore(provider.kind(), provider.cloud());
        this.reader = new CatalogReader(provider.kind(), provider.cloud());
    }

    public MediaLibrary(Database database, MediaProvider provider) {
        this(database.dataSource(), provider);
    }

    public MediaProvider provider() {
        return provider;
    }

    /** Lists the provider and brings the catalog in line (see {@link ReconcileOptions}); resumes a stopped run. */
    public ReconcileReport reconcile(ReconcileOptions options) {
        return afterWhichChanged(() -> new Reconciler(dataSource, provider, store).run(options));
    }

    /** One page of the catalog (filters, full-text search, sort, cursor). */
    public MediaList list(MediaQuery query) {
        MemoryKeeper keeper = memory;
        CatalogMemory copy = keeper == null ? null : keeper.current();
        if (copy == null) {
            return read(c -> reader.list(c, query));
        }
        List<String> words = query.text() == null ? null : queryWords(query.text());
        return copy.list(query, words);
    }

    /**
     * Serves {@link #list} from a copy of the catalog in memory while the catalog is unchanged: every change
     * committed by any process drops the copy (a database notification; a write through this library drops it before
     * the call returns), listings then read the database until the catalog has been quiet for a moment and a new
     * copy is loaded. About 1.7 kB of heap per asset, its rendered JSON included (173 MB at 100,000). Close the returned handle to stop.
     */
    public AutoCloseable keepInMemory(dev.pokepedia.core.DatabaseConfig config) {
        MemoryKeeper keeper = new MemoryKeeper(config, dataSource, reader).start();
        memory = keeper;
        return () -> {
            memory = null;
            keeper.close();
        };
    }

    /** Whether listings are answered from memory right now (for tests and the dashboard). */
    public boolean inMemory() {
        MemoryKeeper keeper = memory;
        return keeper != null && keeper.current() != null;
    }

    private List<String> queryWords(String text) {
        List<String> words = queryWords.get(text);
        if (words == null) {
            words = read(c -> reader.words(c, text));
            if (queryWords.size() > 10_000) {
                queryWords.clear(); // why: a bound, not an LRU; user queries repeat far less than this
            }
            queryWords.put(text, words);
        }
        return words;
    }

    /** Runs a write through this library, then drops the memory copy (also when the write failed midway). */
    private <T> T afterWhichChanged(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } finally {
            changed();
        }
    }

    /** After any write through this library: the memory copy must not answer for the catalog before it. */
    private void changed() {
        MemoryKeeper keeper = memory;
        if (keeper != null) {
            keeper.invalidate();
        }
    }

    /** One catalogued asset by its catalog id, with its usage and collections. */
    public Optional<MediaDetails> details(long id) {
        return read(c -> reader.details(c, id));
    }

    /**
     * {@code get_media_statistics()}: counts and bytes by type, folder and status, sync health (JSON text).
     *
     * <p>Computed again only when the catalog changed (a new sync log entry or a reconcile run's progress) or the
     * last answer is older than {@link #STATS_MAX_AGE} (the 24-hour counts roll on with time), one computation at a
     * time. The caller that starts a computation gets its result; callers arriving while it runs get the previous
     * answer (at most one computation behind). why: the list route answers every page with these statistics, and at
     * 100,000 assets they take five scans of the catalog (~0.2 s quiet, far more under load); 50 clients each running
     * them held every pooled connection, and 50 clients all waiting for one computation stalled every 5 s, which made
     * the list's p99 (bench/media-library.sh).
     */
    public String statistics() {
        Instant asked = clock.instant();
        CachedStatistics last = cachedStatistics.get();
        MemoryKeeper keeper = memory;
        long catalogVersion = keeper == null ? -1 : keeper.freshVersion();
        // why: with a current memory copy, an unchanged catalog needs no database round trip to know it (the
        // log-only parts, a run's progress and the 24-hour counts, are at most STATS_MAX_AGE old then)
        if (last != null && catalogVersion >= 0 && catalogVersion == last.catalogVersion()
                && asked.isBefore(last.at().plus(STATS_MAX_AGE))) {
            return last.json();
        }
        String marker = read(c -> CatalogReader.statisticsMarker(c));
        if (last != null && last.marker().equals(marker) && asked.isBefore(last.at().plus(STATS_MAX_AGE))) {
            return last.json();
        }
        if (last == null) {
            statisticsLock.lock(); // why wait: there is no earlier answer to give
        } else if (!statisticsLock.tryLock()) {
            return last.json();
        }
        try {
            last = cachedStatistics.get();
            if (last != null && !last.at().isBefore(asked)) {
                return last.json(); // computed after this caller asked
            }
            Instant at = clock.instant();
            String before = read(c -> CatalogReader.statisticsMarker(c)); // why before: a change meanwhile is seen next time
            String json = read(c -> CatalogReader.statistics(c));
            cachedStatistics.set(new CachedStatistics(before, at, json, catalogVersion));
            return json;
        } finally {
            statisticsLock.unlock();
        }
    }

    /** How long unchanged statistics are answered from memory. */
    public static final java.time.Duration STATS_MAX_AGE = java.time.Duration.ofSeconds(5);

    /** @param catalogVersion the memory copy's change count when computed, or -1 */
    private record CachedStatistics(String marker, Instant at, String json, long catalogVersion) {
    }

    /** The newest {@code limit} entries of {@code media_sync_log} for this provider, newest first. */
    public List<SyncLogEntry> syncLog(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit: 1..1000");
        }
        return read(c -> reader.syncLog(c, limit));
    }

    /**
     * A number that grows whenever anything changes this provider's catalog (a webhook applied, a reconcile, an API
     * call): the id of its newest sync log entry. Cheap (an index read), for watchers that poll for changes.
     */
    public long lastChange() {
        return read(c -> reader.lastChange(c));
    }

    /**
     * A live asset's bytes from the provider (for thumbnails), when the provider serves them and they are at most
     * {@code maxBytes}; {@link AssetContent#imageKind()} says what the bytes really are.
     */
    public Optional<AssetContent> content(long id, long maxBytes) {
        Optional<MediaDetails> d = details(id);
        if (d.isEmpty() || d.get().asset().deleted()) {
            return Optional.empty();
        }
        return provider.content(d.get().asset().ref(), maxBytes).map(b -> new AssetContent(b, UploadCheck.sniff(b)));
    }

    public Optional<CatalogAsset> find(AssetRef ref) {
        return read(c -> store.find(c, ref));
    }

    /**
     * Reads one asset from the provider and applies what it says now: its state, or a tombstone when it is gone.
     * The provider's present state is always safe to apply, whatever order notifications came in.
     */
    public ApplyResult refresh(AssetRef ref, String operation, String requestId, Instant eventAt) {
        return afterWhichChanged(() -> refreshNow(ref, operation, requestId, eventAt));
    }

    private ApplyResult refreshNow(AssetRef ref, String operation, String requestId, Instant eventAt) {
        long t0 = System.nanoTime();
        Optional<ProviderAsset> now = provider.get(ref);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // why: the change and its log entry land together
            ApplyResult r = now.isPresent() ? store.upsert(c, now.get(), eventAt)
                    : store.tombstone(c, ref, null, eventAt);
            store.log(c, operation, IN, ref.publicId(), r == ApplyResult.STALE ? "skipped" : "success", null,
                    millis(t0), requestId, Map.of("result", r.name().toLowerCase()));
            c.commit();
            return r;
        } catch (SQLException e) {
            throw db(e);
        }
    }

    /**
     * Applies a verified notification. Idempotent (at-least-once delivery is fine) and ordered per asset by the
     * provider's version: an upload notification older than the catalog's state changes nothing; delete needs the
     * deleted version to be at least the catalog's; the other types re-read the asset from the provider.
     *
     * @return per public id what was done; an unknown type is acknowledged with an empty map
     */
    public Map<String, ApplyResult> apply(Notification n) {
        return afterWhichChanged(() -> applyNow(n));
    }

    private Map<String, ApplyResult> applyNow(Notification n) {
        Map<String, ApplyResult> out = new LinkedHashMap<>();
        JsonNode b = n.body();
        Instant at = n.happenedAt();
        switch (n.type()) {
            case "upload" -> {
                long t0 = System.nanoTime();
                @SuppressWarnings("unchecked")
                Map<String, Object> m = JSON.convertValue(b, Map.class);
                ProviderAsset a = CloudinaryProvider.toAsset(type(b), m);
                try (Connection c = dataSource.getConnection()) {
                    // why one transaction: the change and its log entry land together (and cost one WAL flush, not
                    // two, which the webhook acknowledgements share at 200/s)
                    c.setAutoCommit(false);
                    ApplyResult r = store.upsert(c, a, at);
                    store.log(c, "upload", IN, a.publicId(), r == ApplyResult.STALE ? "skipped" : "success", null,
                            millis(t0), n.requestId(), Map.of("result", r.name().toLowerCase(),
                                    "version", String.valueOf(a.version())));
                    c.commit();
                    out.put(a.publicId(), r);
                } catch (SQLException e) {
                    throw db(e);
                }
            }
            case "delete" -> {
                for (JsonNode r : resources(b)) {
                    long t0 = System.nanoTime();
                    AssetRef ref = new AssetRef(type(r), r.path("public_id").asText());
                    Long version = r.path("version").isNumber() ? r.path("version").asLong() : null;
                    try (Connection c = dataSource.getConnection()) {
                        c.setAutoCommit(false); // why: the tombstone and its log entry land together
                        ApplyResult res = store.tombstone(c, ref, version, at);
                        store.log(c, "delete", IN, ref.publicId(), res == ApplyResult.STALE ? "skipped" : "success",
                                null, millis(t0), n.requestId(), Map.of("result", res.name().toLowerCase()));
                        c.commit();
                        out.put(ref.publicId(), res);
                    } catch (SQLException e) {
                        throw db(e);
                    }
                }
            }
            case "rename" -> {
                ResourceType t = type(b);
                String from = b.path("from_public_id").asText("");
                String to = b.path("to_public_id").asText("");
                if (from.isEmpty() || to.isEmpty()) {
                    throw new WebhookRejectedException(WebhookRejectedException.Reason.MALFORMED_BODY,
                            "a rename notification needs from_public_id and to_public_id", "");
                }
                out.putAll(rename(new AssetRef(t, from), to, n.requestId(), at));
            }
            case "move", "resource_tags_changed", "resource_context_changed", "resource_metadata_changed",
                    "resource_display_name_changed" -> {
                for (JsonNode r : resources(b)) {
                    String id = r.path("public_id").asText("");
                    if (!id.isEmpty()) {
                        out.put(id, refresh(new AssetRef(type(r), id), n.type(), n.requestId(), at));
                    }
                }
            }
            default -> {
                log.info("acknowledged a Cloudinary notification of unknown type '{}' (request {})", n.type(),
                        n.requestId());
                try (Connection c = dataSource.getConnection()) {
                    store.log(c, n.type(), IN, null, "skipped", null, 0, n.requestId(),
                            Map.of("reason", "unknown notification type"));
                } catch (SQLException e) {
                    throw db(e);
                }
            }
        }
        return out;
    }

    // --- catalog → provider: the provider first, then the catalog; a catalog failure after the provider's success is
    // logged and repaired by the next reconcile ---

    /** Largest upload accepted (bytes). */
    public static final long MAX_UPLOAD_BYTES = 100L * 1024 * 1024;
    private static final String OUT = "catalog_to_provider";

    /**
     * Uploads to the provider, then records the asset. Refuses a file over {@link #MAX_UPLOAD_BYTES} or whose bytes
     * are not what its name or content type says (PNG, JPEG, GIF, WebP, SVG), before anything is sent.
     */
    public ProviderAsset upload(UploadRequest request, String requestId) {
        UploadCheck.check(request, MAX_UPLOAD_BYTES);
        return outbound("upload", request.ref().publicId(), requestId, () -> provider.upload(request), null);
    }

    /** Changes tags, context and/or display name on the provider, then in the catalog. */
    public ProviderAsset update(AssetRef ref, AssetChanges changes, String requestId) {
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("changes: nothing to change (tags, context or display_name)");
        }
        return outbound("update", ref.publicId(), requestId, () -> provider.update(ref, changes), null);
    }

    /** Renames (moves) on the provider, then moves the catalog row along (its usage and collections stay with it). */
    public ProviderAsset move(AssetRef ref, String toPublicId, String requestId) {
        return outbound("move", toPublicId, requestId, () -> provider.rename(ref, toPublicId), ref);
    }

    /**
     * Deletes on the provider first, then tombstones. An asset in use ({@code media_usage}) is refused with
     * {@code in_use} unless {@code force}.
     *
     * @return per public id: {@code deleted}, {@code not_found}, {@code in_use}, or {@code error: …}
     */
    public Map<String, String> delete(ResourceType type, List<String> publicIds, boolean force, String requestId) {
        return afterWhichChanged(() -> deleteNow(type, publicIds, force, requestId));
    }

    private Map<String, String> deleteNow(ResourceType type, List<String> publicIds, boolean force, String requestId) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> go = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (String id : publicIds) {
                Optional<CatalogAsset> row = store.find(c, new AssetRef(type, id));
                if (!force && row.isPresent() && store.inUse(c, row.get().id())) {
                    out.put(id, "in_use");
                    store.log(c, "delete", OUT, id, "skipped", "in use; pass force to delete anyway", 0, requestId, null);
                } else {
                    go.add(id);
                }
            }
        } catch (SQLException e) {
            throw db(e);
        }
        if (go.isEmpty()) {
            return out;
        }
        long t0 = System.nanoTime();
        DeleteResult result = provider.delete(type, go);
        try (Connection c = dataSource.getConnection()) {
            for (String id : go) {
                String outcome = result.outcomes().getOrDefault(id, "not_found");
                out.put(id, outcome);
                boolean gone = outcome.equals("deleted") || outcome.equals("not_found");
                if (gone) {
                    store.tombstone(c, new AssetRef(type, id), null, null);
                }
                store.log(c, "delete", OUT, id, gone ? "success" : "error", gone ? null : outcome, millis(t0),
                        requestId, Map.of("result", outcome));
            }
        } catch (SQLException e) {
            log.warn("deleted on the provider but the catalog could not record it; the next sync will: {}", e.getMessage(), e);
        }
        return out;
    }

    private ProviderAsset outbound(String operation, String publicId, String requestId,
            java.util.function.Supplier<ProviderAsset> call, AssetRef movedFrom) {
        return afterWhichChanged(() -> outboundNow(operation, publicId, requestId, call, movedFrom));
    }

    private ProviderAsset outboundNow(String operation, String publicId, String requestId,
            java.util.function.Supplier<ProviderAsset> call, AssetRef movedFrom) {
        long t0 = System.nanoTime();
        ProviderAsset done;
        try {
            done = call.get();
        } catch (ProviderException e) {
            try (Connection c = dataSource.getConnection()) {
                store.log(c, operation, OUT, publicId, "error", e.getMessage(), millis(t0), requestId, null);
            } catch (SQLException ignored) {
                // the provider error is what the caller needs to see
            }
            throw e;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (movedFrom != null) {
                store.moveRow(c, movedFrom, done.publicId());
                store.tombstone(c, movedFrom, null, null);
            }
            store.upsert(c, done, null);
            store.log(c, operation, OUT, done.publicId(), "success", null, millis(t0), requestId,
                    movedFrom == null ? null : Map.of("from", movedFrom.publicId()));
            c.commit();
        } catch (SQLException e) {
            // why not fail: the provider has the change; the next reconcile records it
            log.warn("{} of {} reached the provider but not the catalog; the next sync repairs it: {}", operation,
                    done.publicId(), e.getMessage(), e);
        }
        return done;
    }

    /** A rename seen from the provider: the target's present state wins; the row (and its usage) moves along. */
    private Map<String, ApplyResult> rename(AssetRef from, String to, String requestId, Instant at) {
        Map<String, ApplyResult> out = new LinkedHashMap<>();
        AssetRef target = new AssetRef(from.type(), to);
        Optional<ProviderAsset> toNow = provider.get(target);
        Optional<ProviderAsset> fromNow = provider.get(from);
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (toNow.isPresent() && fromNow.isEmpty()) {
                store.moveRow(c, from, to);
            }
            if (toNow.isPresent()) {
                out.put(to, store.upsert(c, toNow.get(), at));
            }
            if (fromNow.isEmpty()) {
                out.put(from.publicId(), store.tombstone(c, from, null, at));
            } else {
                out.put(from.publicId(), store.upsert(c, fromNow.get(), at));
            }
            store.log(c, "rename", IN, to, "success", null, millis(t0), requestId, Map.of("from", from.publicId()));
            c.commit();
        } catch (SQLException e) {
            throw db(e);
        }
        return out;
    }

    private static List<JsonNode> resources(JsonNode b) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode rs = b.path("resources");
        if (rs.isArray()) {
            rs.forEach(out::add);
        } else if (rs.isObject()) {
            rs.properties().forEach(e -> out.add(e.getValue())); // why: some types key resources by asset id
        } else if (b.has("public_id")) {
            out.add(b);
        }
        return out;
    }

    private static ResourceType type(JsonNode n) {
        String t = n.path("resource_type").asText("image");
        try {
            return ResourceType.of(t);
        } catch (IllegalArgumentException e) {
            return ResourceType.IMAGE;
        }
    }

    /** One read on a pooled connection; a database failure becomes a {@link PokepediaException}. */
    private <T> T read(Read<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.on(c);
        } catch (SQLException e) {
            throw db(e);
        }
    }

    private interface Read<T> {
        T on(Connection c) throws SQLException;
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static PokepediaException db(SQLException e) {
        return new PokepediaException(PokepediaException.ErrorCode.DATABASE_UNAVAILABLE,
                "media library catalog: " + e.getMessage(), "check the database and retry", e);
    }
}
