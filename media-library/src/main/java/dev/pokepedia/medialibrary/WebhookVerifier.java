package dev.pokepedia.medialibrary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.medialibrary.CloudinaryConfig.SignatureAlgorithm;
import dev.pokepedia.medialibrary.WebhookRejectedException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies Cloudinary webhook requests: {@code X-Cld-Signature} must be hex(SHA-1, or SHA-256 when configured, of the
 * raw body bytes + {@code X-Cld-Timestamp} + the API secret), compared in constant time; the timestamp is in seconds
 * and within the tolerance (default 7,200 s, as Cloudinary's SDKs use) of now; a signature already accepted is refused
 * as a replay while it is within the tolerance. The body is parsed only after all that. Thread-safe.
 *
 * <p>The replay memory is per process; behind several processes put a sticky route in front, or rely on the
 * idempotent processing (a replayed notification re-applies a state the catalog already has).
 */
public final class WebhookVerifier {

    public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(7200);
    /** A seconds timestamp has 10 digits until 2286; anything past this is milliseconds (or nonsense). */
    private static final long MAX_SECONDS = 99_999_999_999L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] secret;
    private final SignatureAlgorithm algorithm;
    private final Duration tolerance;
    private final Clock clock;
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private volatile Instant lastPurge = Instant.EPOCH;

    public WebhookVerifier(String apiSecret, SignatureAlgorithm algorithm, Duration tolerance, Clock clock) {
        if (apiSecret == null || apiSecret.isEmpty()) {
            throw new IllegalArgumentException("the API secret is needed to verify webhooks");
        }
        this.secret = apiSecret.getBytes(StandardCharsets.UTF_8);
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public WebhookVerifier(CloudinaryConfig config, Clock clock) {
        this(config.apiSecret(), config.signatureAlgorithm(), DEFAULT_TOLERANCE, clock);
    }

    /**
     * @param body      the raw request body, exactly as received (re-serialised JSON does not verify)
     * @param timestamp the {@code X-Cld-Timestamp} header
     * @param signature the {@code X-Cld-Signature} header
     * @throws WebhookRejectedException saying why
     */
    public Notification verify(byte[] body, String timestamp, String signature) {
        if (timestamp == null || timestamp.isBlank()) {
            throw reject(Reason.MISSING_HEADER, "the X-Cld-Timestamp header is missing");
        }
        if (signature == null || signature.isBlank()) {
            throw reject(Reason.MISSING_HEADER, "the X-Cld-Signature header is missing");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw reject(Reason.MALFORMED_TIMESTAMP, "X-Cld-Timestamp is not a whole number of seconds: '"
                    + abbreviate(timestamp) + "'");
        }
        if (seconds > MAX_SECONDS) {
            throw reject(Reason.MILLISECONDS_TIMESTAMP, "X-Cld-Timestamp " + seconds + " looks like milliseconds;"
                    + " Cloudinary signs with Unix time in seconds");
        }
        Instant signedAt = Instant.ofEpochSecond(seconds);
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(tolerance) > 0) {
            throw reject(Reason.OUTSIDE_TOLERANCE, "X-Cld-Timestamp " + signedAt + " is more than "
                    + tolerance.toSeconds() + " s away from now (" + now + ")");
        }
        byte[] expected = hex(digest(body, timestamp.trim()));
        byte[] given = signature.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw reject(Reason.BAD_SIGNATURE, "X-Cld-Signature does not match the body (" + algorithm.jcaName()
                    + " of the raw body, the timestamp and the API secret)");
        }
        purgeExpired(now);
        String key = new String(given, StandardCharsets.US_ASCII);
        if (seen.putIfAbsent(key, signedAt.plus(tolerance)) != null) {
            throw reject(Reason.REPLAYED, "this signature was already accepted: a replayed notification");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw reject(Reason.MALFORMED_BODY, "the signed body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw reject(Reason.MALFORMED_BODY, "the signed body is not readable JSON");
        }
        if (node == null || !node.isObject()) {
            throw reject(Reason.MALFORMED_BODY, "the signed body is not a JSON object");
        }
        String type = node.path("notification_type").asText("");
        if (type.isEmpty()) {
            throw reject(Reason.MALFORMED_BODY, "the signed body has no notification_type");
        }
        String requestId = node.path("request_id").isTextual() ? node.path("request_id").asText()
                : "sig-" + key.substring(0, Math.min(16, key.length()));
        return new Notification(type, signedAt, requestId, node);
    }

    private byte[] digest(byte[] body, String timestamp) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.jcaName());
            md.update(body);
            md.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            md.update(secret);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hex(byte[] digest) {
        return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
    }

    private void purgeExpired(Instant now) {
        if (Duration.between(lastPurge, now).toSeconds() < 60) {
            return; // why: a sweep per request would cost O(seen) at every webhook
        }
        lastPurge = now;
        for (Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().isBefore(now)) {
                it.remove();
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "…";
    }

    private static WebhookRejectedException reject(Reason reason, String message) {
        String hint = switch (reason) {
            case BAD_SIGNATURE -> "check that CLOUDINARY_URL holds the API secret of the environment sending the"
                    + " webhooks, and its signature algorithm (CLOUDINARY_SIGNATURE_ALGORITHM); the body must be passed"
                    + " on byte for byte";
            case OUTSIDE_TOLERANCE -> "check the clocks, or the notification is too old to trust";
            default -> "";
        };
        return new WebhookRejectedException(reason, message, hint);
    }
}
