package dev.pokepedia.server.internal;

import java.util.regex.Pattern;

/**
 * Java twin of the SQL functions {@code pokepedia_media_path} / {@code pokepedia_media_bucket} (V100): the one
 * mapping from an upstream media URL to where the mirror keeps it. MediaPathsIT checks both agree.
 */
public final class MediaPaths {

    private static final Pattern MEDIA = Pattern.compile(
            "^https?://raw\\.githubusercontent\\.com/PokeAPI/(sprites|cries)/[^/]+/[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$");
    static final String UPSTREAM_PREFIX = "https://raw.githubusercontent.com/PokeAPI/";

    /** A stored object's address. */
    public record ObjectKey(String bucket, String path) {}

    private MediaPaths() {
    }

    /** Bucket and path of an upstream media URL, or null when the mirror does not keep such URLs. */
    public static ObjectKey of(String url) {
        if (url == null || !url.startsWith(UPSTREAM_PREFIX) || !MEDIA.matcher(url).matches()) {
            return null;
        }
        String bucket = url.startsWith(UPSTREAM_PREFIX + "sprites/") ? "pokedex-sprites"
                : url.startsWith(UPSTREAM_PREFIX + "cries/") ? "pokedex-cries" : null;
        if (bucket == null) {
            return null;
        }
        // why: like the SQL, drop scheme, the empty segment, host, owner, repository and branch (six segments)
        int cut = 0;
        for (int i = 0; i < 6; i++) {
            cut = url.indexOf('/', cut) + 1;
        }
        return new ObjectKey(bucket, url.substring(cut));
    }
}
