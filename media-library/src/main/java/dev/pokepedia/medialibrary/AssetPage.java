package dev.pokepedia.medialibrary;

import java.util.List;

/** One page of a provider's listing; {@code nextCursor} is null on the last page. */
public record AssetPage(List<ProviderAsset> assets, String nextCursor) {
    public AssetPage {
        assets = List.copyOf(assets);
    }

    public boolean last() {
        return nextCursor == null;
    }
}
