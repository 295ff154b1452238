package dev.pokepedia.medialibrary;

import java.util.Locale;

/** Cloudinary's resource types; an S3 object's is derived from its content type. */
public enum ResourceType {
    IMAGE, VIDEO, RAW;

    /** The wire and database name: {@code image}, {@code video}, {@code raw}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static ResourceType of(String wire) {
        if (wire != null) {
            for (ResourceType t : values()) {
                if (t.wire().equalsIgnoreCase(wire.trim())) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unknown resource type '" + wire + "' (image, video or raw)");
    }

    /** image/* → image; video/* and audio/* → video (as Cloudinary files audio); anything else → raw. */
    public static ResourceType ofContentType(String contentType) {
        if (contentType == null) {
            return RAW;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("image/") ? IMAGE : ct.startsWith("video/") || ct.startsWith("audio/") ? VIDEO : RAW;
    }
}
