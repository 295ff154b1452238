package dev.pokepedia.medialibrary;

import java.util.List;
import java.util.Map;

/** What to change on an asset; a null field stays as it is. Tags and context replace the whole set. */
public record AssetChanges(List<String> tags, Map<String, String> context, String displayName) {
    public AssetChanges {
        tags = tags == null ? null : List.copyOf(tags);
        context = context == null ? null : Map.copyOf(context);
    }

    public static AssetChanges tags(List<String> tags) {
        return new AssetChanges(tags, null, null);
    }

    public boolean isEmpty() {
        return tags == null && context == null && displayName == null;
    }
}
