package dev.pokepedia.sync;

import dev.pokepedia.core.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the sync server side. The JWT secret comes from {@value #SECRET_ENV}, else {@value #SUPABASE_SECRET_ENV}
 * (Supabase's project JWT secret, so its tokens verify unchanged); without one the sync routes answer 503.
 * {@link #toString()} never shows the secret.
 *
 * @param jwtSecret       HS256 secret (its UTF-8 bytes, as Supabase uses it); empty = sync not configured
 * @param secretSource    the variable the secret came from (for messages), or null
 * @param maxOps          most operations per push
 * @param maxBodyBytes    largest push body
 * @param defaultPullLimit pull page size when the client gives none
 * @param maxPullLimit    largest pull page
 * @param ping            interval of the SSE keep-alive comment
 * @param clockLeeway     allowed clock skew when checking {@code exp}
 * @param maxTransactions sync transactions running at once in this process; more requests wait their turn in order
 */
public record SyncConfig(Optional<String> jwtSecret, String secretSource, int maxOps, long maxBodyBytes, int defaultPullLimit,
                         int maxPullLimit, Duration ping, Duration clockLeeway, int maxTransactions) {

    public static final String SECRET_ENV = "POKEPEDIA_JWT_SECRET";
    public static final String SUPABASE_SECRET_ENV = "SUPABASE_JWT_SECRET";
    public static final int MIN_SECRET_BYTES = 32;

    public SyncConfig {
        jwtSecret = jwtSecret == null ? Optional.empty() : jwtSecret;
        if (jwtSecret.isPresent() && jwtSecret.get().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigurationException((secretSource == null ? "The JWT secret" : secretSource) + " is too short",
                    "HS256 needs at least " + MIN_SECRET_BYTES + " bytes; use e.g. the output of: openssl rand -base64 48 (Supabase's project JWT secret qualifies)");
        }
        if (maxOps < 1 || maxBodyBytes < 1024 || defaultPullLimit < 1 || maxPullLimit < defaultPullLimit) {
            throw new ConfigurationException("Sync limits are inconsistent: maxOps=" + maxOps + ", maxBodyBytes=" + maxBodyBytes
                    + ", pull limit " + defaultPullLimit + "/" + maxPullLimit, "Use positive limits with defaultPullLimit <= maxPullLimit");
        }
        if (maxTransactions < 1) {
            throw new ConfigurationException("maxTransactions " + maxTransactions + " must be at least 1", "Give e.g. 8");
        }
        if (ping == null || ping.isNegative() || ping.isZero() || clockLeeway == null || clockLeeway.isNegative()) {
            throw new ConfigurationException("Sync ping interval and clock leeway must be positive durations", "Check the SyncConfig values");
        }
    }

    /** The protocol's limits (1000 ops, 4 MiB, pull 500/5000, ping 15 s, 30 s leeway), 8 transactions, the given secret. */
    public static SyncConfig withSecret(String secret, String source) {
        return new SyncConfig(Optional.ofNullable(secret), source, 1000, 4L * 1024 * 1024, 500, 5000, Duration.ofSeconds(15),
                Duration.ofSeconds(30), 8);
    }

    /** Defaults with the secret from the environment, if any. */
    public static SyncConfig fromEnv(Map<String, String> env) {
        for (String name : new String[] {SECRET_ENV, SUPABASE_SECRET_ENV}) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return withSecret(v, name);
            }
        }
        return withSecret(null, null);
    }

    public boolean configured() {
        return jwtSecret.isPresent();
    }

    public SyncConfig withPing(Duration p) {
        return new SyncConfig(jwtSecret, secretSource, maxOps, maxBodyBytes, defaultPullLimit, maxPullLimit, p, clockLeeway, maxTransactions);
    }

    public SyncConfig withMaxOps(int n) {
        return new SyncConfig(jwtSecret, secretSource, n, maxBodyBytes, defaultPullLimit, maxPullLimit, ping, clockLeeway, maxTransactions);
    }

    public SyncConfig withMaxTransactions(int n) {
        return new SyncConfig(jwtSecret, secretSource, maxOps, maxBodyBytes, defaultPullLimit, maxPullLimit, ping, clockLeeway, n);
    }

    @Override
    public String toString() {
        return "SyncConfig[secret=" + (jwtSecret.isPresent() ? "**** from " + secretSource : "none") + ", maxOps=" + maxOps
                + ", maxBodyBytes=" + maxBodyBytes + ", pull=" + defaultPullLimit + "/" + maxPullLimit + ", ping=" + ping + ", maxTransactions=" + maxTransactions + "]";
    }
}
