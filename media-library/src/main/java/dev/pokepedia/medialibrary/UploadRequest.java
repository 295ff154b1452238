package dev.pokepedia.medialibrary;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A file to put into the provider under {@code ref} (overwriting what is there). */
public record UploadRequest(AssetRef ref, byte[] content, String contentType, List<String> tags,
        Map<String, String> context, String displayName) {
    public UploadRequest {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(content, "content");
        tags = tags == null ? List.of() : List.copyOf(tags);
        context = context == null ? Map.of() : Map.copyOf(context);
    }
}
