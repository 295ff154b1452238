package dev.pokepedia.medialibrary;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Credentials and endpoint of a Cloudinary product environment. {@link #toString()} never shows the secret, and no
 * error message built from a config does either.
 *
 * @param apiBase            the API base (the SDK's {@code upload_prefix}): {@code https://api.cloudinary.com}, or a
 *                           local fake in tests
 * @param signatureAlgorithm the environment's webhook/notification signature algorithm (SHA-1 unless changed)
 */
public record CloudinaryConfig(String cloudName, String apiKey, String apiSecret, URI apiBase,
        SignatureAlgorithm signatureAlgorithm) {

    public static final URI DEFAULT_API_BASE = URI.create("https://api.cloudinary.com");
    private static final String URL_SHAPE = "cloudinary://API_KEY:API_SECRET@CLOUD_NAME";
    private static final String HINT = "set CLOUDINARY_URL=" + URL_SHAPE + " (Cloudinary console > Settings > API Keys),"
            + " or CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY and CLOUDINARY_API_SECRET";

    /** SHA-1 is Cloudinary's default; SHA-256 when the environment was switched to it. */
    public enum SignatureAlgorithm {
        SHA1("SHA-1"), SHA256("SHA-256");

        private final String jca;

        SignatureAlgorithm(String jca) {
            this.jca = jca;
        }

        public String jcaName() {
            return jca;
        }

        public static SignatureAlgorithm of(String s) {
            String n = s.trim().toUpperCase(Locale.ROOT).replace("-", "");
            return switch (n) {
                case "SHA1" -> SHA1;
                case "SHA256" -> SHA256;
                default -> throw new ConfigurationException("unknown signature algorithm '" + s + "'",
                        "use SHA1 (Cloudinary's default) or SHA256");
            };
        }
    }

    public CloudinaryConfig {
        if (cloudName == null || !cloudName.matches("[A-Za-z0-9_-]{1,128}")) {
            throw new ConfigurationException("Cloudinary cloud name is missing or malformed", HINT);
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new ConfigurationException("Cloudinary API key is missing", HINT);
        }
        if (apiSecret == null || apiSecret.isBlank()) {
            throw new ConfigurationException("Cloudinary API secret is missing", HINT);
        }
        apiBase = apiBase == null ? DEFAULT_API_BASE : apiBase;
        if (!"https".equals(apiBase.getScheme()) && !"http".equals(apiBase.getScheme())) {
            throw new ConfigurationException("Cloudinary API base must be an http(s) URL", "e.g. " + DEFAULT_API_BASE);
        }
        signatureAlgorithm = Objects.requireNonNullElse(signatureAlgorithm, SignatureAlgorithm.SHA1);
    }

    /**
     * From {@code CLOUDINARY_URL} (with optional {@code ?upload_prefix=…&signature_algorithm=…}), else from
     * {@code CLOUDINARY_CLOUD_NAME} / {@code CLOUDINARY_API_KEY} / {@code CLOUDINARY_API_SECRET} (plus optional
     * {@code CLOUDINARY_UPLOAD_PREFIX}, {@code CLOUDINARY_SIGNATURE_ALGORITHM}).
     */
    public static CloudinaryConfig fromEnv(Map<String, String> env) {
        String url = env.get("CLOUDINARY_URL");
        if (url != null && !url.isBlank()) {
            return parseUrl(url.trim());
        }
        String cloud = env.get("CLOUDINARY_CLOUD_NAME");
        if (cloud == null && env.get("CLOUDINARY_API_KEY") == null) {
            throw new ConfigurationException("no Cloudinary credentials configured", HINT);
        }
        String prefix = env.get("CLOUDINARY_UPLOAD_PREFIX");
        String algorithm = env.get("CLOUDINARY_SIGNATURE_ALGORITHM");
        return new CloudinaryConfig(cloud, env.get("CLOUDINARY_API_KEY"), env.get("CLOUDINARY_API_SECRET"),
                prefix == null || prefix.isBlank() ? null : uri(prefix),
                algorithm == null || algorithm.isBlank() ? null : SignatureAlgorithm.of(algorithm));
    }

    /** Parses {@code cloudinary://key:secret@cloud}; the error never repeats the URL (it holds the secret). */
    public static CloudinaryConfig parseUrl(String url) {
        if (!url.startsWith("cloudinary://")) {
            throw new ConfigurationException("CLOUDINARY_URL does not start with cloudinary://", HINT);
        }
        String rest = url.substring("cloudinary://".length());
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q + 1);
        rest = q < 0 ? rest : rest.substring(0, q);
        int at = rest.lastIndexOf('@');
        int colon = rest.indexOf(':');
        if (at < 0 || colon < 0 || colon > at) {
            throw new ConfigurationException("CLOUDINARY_URL is malformed (expected " + URL_SHAPE + ")", HINT);
        }
        String key = decode(rest.substring(0, colon));
        String secret = decode(rest.substring(colon + 1, at));
        String cloud = rest.substring(at + 1);
        URI base = null;
        SignatureAlgorithm algorithm = null;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "upload_prefix" -> base = uri(value);
                case "signature_algorithm" -> algorithm = SignatureAlgorithm.of(value);
                default -> { } // why: the SDK accepts many more options (secure_distribution, ...); not ours to refuse
            }
        }
        return new CloudinaryConfig(cloud, key, secret, base, algorithm);
    }

    private static URI uri(String s) {
        try {
            return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Cloudinary upload prefix is not a URL", "e.g. " + DEFAULT_API_BASE);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public CloudinaryConfig withApiBase(URI base) {
        return new CloudinaryConfig(cloudName, apiKey, apiSecret, base, signatureAlgorithm);
    }

    public CloudinaryConfig withSignatureAlgorithm(SignatureAlgorithm algorithm) {
        return new CloudinaryConfig(cloudName, apiKey, apiSecret, apiBase, algorithm);
    }

    @Override
    public String toString() {
        return "CloudinaryConfig[cloudName=" + cloudName + ", apiKey=" + apiKey + ", apiSecret=***, apiBase=" + apiBase
                + ", signatureAlgorithm=" + signatureAlgorithm + "]";
    }
}
