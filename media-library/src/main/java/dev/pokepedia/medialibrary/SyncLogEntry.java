package dev.pokepedia.medialibrary;

import java.time.Instant;

/**
 * One row of {@code media_sync_log}: what a webhook, a reconcile or an API call did to one asset.
 *
 * @param direction {@code provider_to_catalog} or {@code catalog_to_provider}
 * @param status    {@code success}, {@code error} or {@code skipped}
 */
public record SyncLogEntry(long id, String operation, String direction, String publicId, String status, String error,
        Integer processingTimeMs, String requestId, Instant createdAt) {
}
