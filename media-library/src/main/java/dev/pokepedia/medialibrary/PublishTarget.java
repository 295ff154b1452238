package dev.pokepedia.medialibrary;

import java.util.Locale;

/**
 * Where {@code media-library publish} puts objects: {@code cloudinary:<prefix>} (the cloud of CLOUDINARY_URL) or
 * {@code s3:<bucket>/<prefix>}.
 *
 * @param kind   {@code cloudinary} or {@code s3}
 * @param bucket the S3 bucket, or null for Cloudinary
 * @param prefix the public id prefix, empty or ending in {@code /}
 */
public record PublishTarget(String kind, String bucket, String prefix) {

    public PublishTarget {
        if (!"cloudinary".equals(kind) && !"s3".equals(kind)) {
            throw new IllegalArgumentException("to: cloudinary:<prefix> or s3:<bucket>/<prefix>, not '" + kind + ":…'");
        }
        prefix = prefix(prefix);
    }

    /** A public id prefix as publish uses it: empty, or relative and ending in {@code /}. */
    public static String prefix(String prefix) {
        String p = prefix == null ? "" : prefix;
        if (p.startsWith("/") || p.contains("..")) {
            throw new IllegalArgumentException("to: the prefix must be relative, without '..': '" + p + "'");
        }
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    /** Parses {@code cloudinary:pokedex/} or {@code s3:media-bucket/pokedex/}. */
    public static PublishTarget parse(String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("to: cloudinary:<prefix> or s3:<bucket>/<prefix>, got '" + spec + "'");
        }
        String kind = spec.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = spec.substring(colon + 1);
        if (kind.equals("s3")) {
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            if (bucket.isEmpty()) {
                throw new IllegalArgumentException("to: s3 needs a bucket: s3:<bucket>/<prefix>");
            }
            return new PublishTarget(kind, bucket, slash < 0 ? "" : rest.substring(slash + 1));
        }
        return new PublishTarget(kind, null, rest);
    }
}
