package dev.pokepedia.medialibrary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.medialibrary.internal.CatalogReader;
import dev.pokepedia.medialibrary.internal.CatalogStore;
import dev.pokepedia.medialibrary.internal.CloudinaryProvider;
import dev.pokepedia.medialibrary.internal.Reconciler;
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
        return new Reconciler(dataSource, provider, store).run(options);
    }

    /** One page of the catalog (filters, full-text search, sort, cursor). */
    public MediaList list(MediaQuery query) {
        try (Connection c = dataSource.getConnection()) {
            return reader.list(c, query);
        } catch (SQLException e) {
            throw db(e);
        }
    }

    /** One catalogued asset by its catalog id, with its usage and collections. */
    public Optional<MediaDetails> details(long id) {
        try (Connection c = dataSource.getConnection()) {
            return reader.details(c, id);
        } catch (SQLException e) {
            throw db(e);
        }
    }

    /** {@code get_media_statistics()}: counts and bytes by type, folder and status, sync health (JSON text). */
    public String statistics() {
        try (Connection c = dataSource.getConnection()) {
            return CatalogReader.statistics(c);
        } catch (SQLException e) {
            throw db(e);
        }
    }

    public Optional<CatalogAsset> find(AssetRef ref) {
        try (Connection c = dataSource.getConnection()) {
            return store.find(c, ref);
        } catch (SQLException e) {
            throw db(e);
        }
    }

    /**
     * Reads one asset from the provider and applies what it says now: its state, or a tombstone when it is gone.
     * The provider's present state is always safe to apply, whatever order notifications came in.
     */
    public ApplyResult refresh(AssetRef ref, String operation, String requestId, Instant eventAt) {
        long t0 = System.nanoTime();
        Optional<ProviderAsset> now = provider.get(ref);
        try (Connection c = dataSource.getConnection()) {
            ApplyResult r = now.isPresent() ? store.upsert(c, now.get(), eventAt, null)
                    : store.tombstone(c, ref, null, eventAt);
            store.log(c, operation, IN, ref.publicId(), r == ApplyResult.STALE ? "skipped" : "success", null,
                    millis(t0), requestId, Map.of("result", r.name().toLowerCase()));
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
                    ApplyResult r = store.upsert(c, a, at, null);
                    store.log(c, "upload", IN, a.publicId(), r == ApplyResult.STALE ? "skipped" : "success", null,
                            millis(t0), n.requestId(), Map.of("result", r.name().toLowerCase(),
                                    "version", String.valueOf(a.version())));
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
                        ApplyResult res = store.tombstone(c, ref, version, at);
                        store.log(c, "delete", IN, ref.publicId(), res == ApplyResult.STALE ? "skipped" : "success",
                                null, millis(t0), n.requestId(), Map.of("result", res.name().toLowerCase()));
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
                out.put(to, store.upsert(c, toNow.get(), at, null));
            }
            if (fromNow.isEmpty()) {
                out.put(from.publicId(), store.tombstone(c, from, null, at));
            } else {
                out.put(from.publicId(), store.upsert(c, fromNow.get(), at, null));
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

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static PokepediaException db(SQLException e) {
        return new PokepediaException(PokepediaException.ErrorCode.DATABASE_UNAVAILABLE,
                "media library catalog: " + e.getMessage(), "check the database and retry", e);
    }
}
