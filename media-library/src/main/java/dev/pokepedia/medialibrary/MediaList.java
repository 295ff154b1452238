package dev.pokepedia.medialibrary;

import java.util.List;

/** One page of the catalog; {@code nextCursor} is null on the last page. */
public record MediaList(List<CatalogAsset> items, String nextCursor) {
    public MediaList {
        items = List.copyOf(items);
    }
}
