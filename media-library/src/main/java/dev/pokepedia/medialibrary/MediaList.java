package dev.pokepedia.medialibrary;

import java.util.List;

/**
 * One page of the catalog; {@code nextCursor} is null on the last page. {@code itemsJson} holds each item as
 * {@link AssetJson#render} gives it, in the same order (the memory copy renders a row once, not per listing).
 */
public record MediaList(List<CatalogAsset> items, String nextCursor, List<byte[]> itemsJson) {
    public MediaList {
        items = List.copyOf(items);
        itemsJson = List.copyOf(itemsJson);
        if (itemsJson.size() != items.size()) {
            throw new IllegalArgumentException(items.size() + " items but " + itemsJson.size() + " renderings");
        }
    }

    public MediaList(List<CatalogAsset> items, String nextCursor) {
        this(items, nextCursor, items.stream().map(AssetJson::render).toList());
    }
}
