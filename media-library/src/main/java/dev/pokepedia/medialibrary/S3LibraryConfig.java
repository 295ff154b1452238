package dev.pokepedia.medialibrary;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.util.Map;

/**
 * An S3-compatible bucket used as a media library. {@link #toString()} never shows the secret key.
 *
 * @param endpoint null = AWS S3 itself; otherwise the service URL (path-style addressing)
 */
public record S3LibraryConfig(URI endpoint, String region, String accessKey, String secretKey, String bucket) {

    private static final String HINT = "set MEDIA_LIBRARY_S3_BUCKET, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for a"
            + " service other than AWS, AWS_ENDPOINT_URL (e.g. http://127.0.0.1:9000)";

    public S3LibraryConfig {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new ConfigurationException("S3 media library bucket is missing or not a valid bucket name", HINT);
        }
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new ConfigurationException("S3 credentials are missing", HINT);
        }
        region = region == null || region.isBlank() ? "us-east-1" : region;
    }

    public static S3LibraryConfig fromEnv(Map<String, String> env) {
        String endpoint = env.getOrDefault("AWS_ENDPOINT_URL_S3", env.get("AWS_ENDPOINT_URL"));
        return new S3LibraryConfig(endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint),
                env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION")), env.get("AWS_ACCESS_KEY_ID"),
                env.get("AWS_SECRET_ACCESS_KEY"), env.get("MEDIA_LIBRARY_S3_BUCKET"));
    }

    @Override
    public String toString() {
        return "S3LibraryConfig[endpoint=" + endpoint + ", region=" + region + ", accessKey=" + accessKey
                + ", secretKey=***, bucket=" + bucket + "]";
    }
}
