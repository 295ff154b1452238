package dev.pokepedia.media.internal;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Connection settings of an S3-compatible storage service (Supabase Storage, MinIO, Cloudflare R2, AWS S3).
 * Always used with path-style addressing.
 *
 * @param endpoint      the service URL, e.g. {@code http://127.0.0.1:9000} or
 *                      {@code https://<project>.supabase.co/storage/v1/s3}; null means AWS S3 itself
 * @param region        signing region ({@code us-east-1} for MinIO, the project region for Supabase, {@code auto} for R2)
 * @param secretKey     never printed: {@link #toString()} masks it
 * @param publicBaseUrl optional base URL under which stored objects are publicly readable, or null
 */
public record S3Config(URI endpoint, String region, String accessKey, String secretKey, String publicBaseUrl) {

    public static final String DEFAULT_REGION = "us-east-1";
    private static final Set<String> PARAMETERS = Set.of("endpoint", "region", "publicBaseUrl");
    private static final String CREDENTIALS_HINT = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to an S3 access key"
            + " of the storage service (Supabase: Project Settings > Storage > S3 access keys; MinIO: an access key"
            + " or the root user and password)";

    public S3Config {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
    }

    /**
     * Parses a {@code STORAGE_URL} of the form
     * {@code s3://?endpoint=http://127.0.0.1:9000&region=us-east-1&publicBaseUrl=https://cdn.example.org} (the
     * endpoint may also be given as {@code s3://host:port/path}, meaning https). Credentials never come from the URL:
     * they are read from {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}. Without a region parameter the
     * region is {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else {@value #DEFAULT_REGION}; without an
     * endpoint, {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}, else AWS S3.
     *
     * @throws ConfigurationException naming what is malformed or which variable to set
     */
    public static S3Config parse(String storageUrl, Map<String, String> env) {
        if (storageUrl == null || !storageUrl.regionMatches(true, 0, "s3://", 0, 5)) {
            throw new ConfigurationException("not an S3 storage URL: " + storageUrl,
                    "use s3://?endpoint=http://127.0.0.1:9000&region=us-east-1");
        }
        String rest = storageUrl.substring(5);
        int q = rest.indexOf('?');
        String location = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> params = query(q < 0 ? "" : rest.substring(q + 1), storageUrl);

        String endpointText = params.get("endpoint");
        if (endpointText == null && !location.isEmpty()) {
            endpointText = "https://" + location;
        }
        if (endpointText == null) {
            endpointText = firstSet(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        }
        URI endpoint = endpointText == null ? null : httpUri(endpointText, "endpoint");

        String region = params.get("region");
        if (region == null) {
            region = firstSet(env, "AWS_REGION", "AWS_DEFAULT_REGION");
        }
        if (region == null && endpoint == null) {
            // why: with neither, the SDK means AWS S3 in us-east-1; a user who forgot the endpoint of MinIO or Supabase
            // then watched a run crawl through timeouts for hours without a word about where it was going
            throw new ConfigurationException("S3 storage URL " + storageUrl + " names no endpoint and no region, which would mean "
                    + "AWS S3 in " + DEFAULT_REGION, "For MinIO, Supabase, R2 or any S3-compatible service give "
                    + "s3://?endpoint=https://host[:port]&region=…; for AWS itself give the region (s3://?region=" + DEFAULT_REGION
                    + ", or AWS_REGION)");
        }
        if (region == null) {
            region = DEFAULT_REGION;
        }

        String accessKey = required(env, "AWS_ACCESS_KEY_ID");
        String secretKey = required(env, "AWS_SECRET_ACCESS_KEY");

        String publicBaseUrl = params.get("publicBaseUrl");
        if (publicBaseUrl != null) {
            httpUri(publicBaseUrl, "publicBaseUrl");
            while (publicBaseUrl.endsWith("/")) {
                publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
            }
        }
        return new S3Config(endpoint, region, accessKey, secretKey, publicBaseUrl);
    }

    /** The endpoint for messages, without credentials or query: {@code s3://host:port/path}, or AWS's for null. */
    public String describe() {
        if (endpoint == null) {
            return "s3://s3." + region + ".amazonaws.com";
        }
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        return "s3://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
                + (path.equals("/") ? "" : path);
    }

    @Override
    public String toString() {
        return "S3Config[endpoint=" + endpoint + ", region=" + region + ", accessKey=" + accessKey
                + ", secretKey=" + (secretKey.isEmpty() ? "" : "****") + ", publicBaseUrl=" + publicBaseUrl + "]";
    }

    private static Map<String, String> query(String query, String storageUrl) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).trim();
            if (!PARAMETERS.contains(name)) {
                throw new ConfigurationException("unknown parameter '" + name + "' in storage URL " + storageUrl,
                        "the S3 storage URL accepts " + String.join(", ", PARAMETERS.stream().sorted().toList()));
            }
            if (value.isEmpty()) {
                throw new ConfigurationException("parameter '" + name + "' of storage URL " + storageUrl + " is empty",
                        "give it a value or leave it out");
            }
            params.put(name, value);
        }
        return params;
    }

    private static URI httpUri(String text, String what) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("malformed S3 " + what + " '" + text + "': " + e.getMessage(),
                    "use a URL like http://127.0.0.1:9000");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ConfigurationException("S3 " + what + " must be an http(s) URL with a host, not '" + text + "'",
                    "use a URL like http://127.0.0.1:9000 or https://<project>.supabase.co/storage/v1/s3");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigurationException("S3 " + what + " must not contain credentials", CREDENTIALS_HINT);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigurationException("S3 " + what + " must not have a query or fragment: '" + text + "'",
                    "URL-encode it when it is a parameter of the storage URL (endpoint=http%3A%2F%2F...)");
        }
        return uri;
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("S3 storage needs credentials, but " + name + " is not set",
                    CREDENTIALS_HINT);
        }
        return value.trim();
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }
}
