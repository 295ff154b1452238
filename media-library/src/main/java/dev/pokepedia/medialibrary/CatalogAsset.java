package dev.pokepedia.medialibrary;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A catalog row: the provider's state as last applied, plus the catalog's own bookkeeping. */
public record CatalogAsset(long id, String provider, String cloud, AssetRef ref, String format, Long bytes,
        String folder, String displayName, List<String> tags, Map<String, String> context, Long version, String etag,
        String syncStatus, String lastError, Instant lastSyncedAt, Instant deletedAt) {

    public boolean deleted() {
        return deletedAt != null;
    }
}
