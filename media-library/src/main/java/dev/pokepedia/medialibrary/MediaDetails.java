package dev.pokepedia.medialibrary;

import java.util.List;

/** One asset with what only the catalog knows: which app entities use it, and its collections. */
public record MediaDetails(CatalogAsset asset, List<Usage> usage, List<String> collections) {

    public record Usage(String entityType, String entityId, String field) {
    }

    public MediaDetails {
        usage = List.copyOf(usage);
        collections = List.copyOf(collections);
    }
}
