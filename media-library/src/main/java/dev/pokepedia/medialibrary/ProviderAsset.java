package dev.pokepedia.medialibrary;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An asset as its provider describes it. {@code version} orders the states of one asset (Cloudinary: the version,
 * epoch seconds of the last upload; S3: last-modified in ms); {@code etag} identifies its bytes.
 */
public record ProviderAsset(AssetRef ref, String format, Long bytes, Integer width, Integer height, Double duration,
        String folder, String displayName, List<String> tags, Map<String, String> context,
        Map<String, String> metadata, String secureUrl, Long version, String etag, Instant createdAt,
        Instant updatedAt) {

    public ProviderAsset {
        Objects.requireNonNull(ref, "ref");
        folder = folder == null ? "" : folder;
        tags = tags == null ? List.of() : List.copyOf(tags);
        context = context == null ? Map.of() : Map.copyOf(context);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public String publicId() {
        return ref.publicId();
    }

    public ResourceType type() {
        return ref.type();
    }

    /** The folder of a public id: everything before its last slash, or empty. */
    public static String folderOf(String publicId) {
        int slash = publicId.lastIndexOf('/');
        return slash < 0 ? "" : publicId.substring(0, slash);
    }
}
