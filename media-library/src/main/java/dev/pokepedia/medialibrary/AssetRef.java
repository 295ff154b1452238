package dev.pokepedia.medialibrary;

import java.util.Objects;

/** Names one asset of a provider: its resource type and public id (for S3, the object key). */
public record AssetRef(ResourceType type, String publicId) {
    public AssetRef {
        Objects.requireNonNull(type, "type");
        if (publicId == null || publicId.isBlank()) {
            throw new IllegalArgumentException("public id must not be blank");
        }
    }

    public static AssetRef image(String publicId) {
        return new AssetRef(ResourceType.IMAGE, publicId);
    }
}
