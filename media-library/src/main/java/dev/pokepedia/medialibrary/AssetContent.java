package dev.pokepedia.medialibrary;

import java.util.Objects;

/**
 * An asset's bytes as read from the provider, with what they really are.
 *
 * @param imageKind {@code png}, {@code jpeg}, {@code gif}, {@code webp} or {@code svg} when the bytes are that image
 *                  format (sniffed, whatever the name or content type claims), else null
 */
public record AssetContent(byte[] bytes, String imageKind) {
    public AssetContent {
        Objects.requireNonNull(bytes, "bytes");
    }
}
