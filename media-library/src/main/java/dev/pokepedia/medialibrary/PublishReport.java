package dev.pokepedia.medialibrary;

import java.util.Map;

/**
 * What one {@code publish} did.
 *
 * @param listed    objects in the source bucket
 * @param uploaded  sent to the provider (new, or changed since: another SHA-256)
 * @param unchanged already at the provider with the same SHA-256; not sent
 * @param failed    per source path, why it was not published
 * @param catalog   the reconcile of the target prefix that brings the catalog in line afterwards (null on a dry run)
 */
public record PublishReport(long listed, long uploaded, long unchanged, Map<String, String> failed,
        ReconcileReport catalog) {
    public PublishReport {
        failed = Map.copyOf(failed);
    }
}
