package dev.pokepedia.server.internal;

import dev.pokepedia.server.AdminPassword;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Admin sessions without server-side state: a session cookie is {@code expiry.nonce.signature}, signed with a key
 * derived from the admin password, so every {@code serve} process sharing the password accepts it and changing the
 * password ends all sessions. The CSRF token of a session is another signature over its nonce. Logging out revokes
 * the nonce in this process until the session would have expired anyway.
 */
public final class AdminAuth {

    public static final String SESSION_COOKIE = "pokepedia_admin";
    public static final String LOGIN_COOKIE = "pokepedia_login";
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    static final Duration LOGIN_FORM_LIFETIME = Duration.ofMinutes(30);

    /** A verified session. */
    public record Session(String nonce, Instant expires, String csrfToken) {}

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final byte[] passwordHash;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

    public AdminAuth(AdminPassword password, Clock clock) {
        this.clock = clock;
        byte[] pw = password.value().getBytes(StandardCharsets.UTF_8);
        this.key = hmac(pw, "pokepedia admin session key v1".getBytes(StandardCharsets.US_ASCII));
        this.passwordHash = sha256(pw);
    }

    /** Constant-time comparison of the hashes, so timing tells nothing about the password. */
    public boolean passwordMatches(String given) {
        return given != null && MessageDigest.isEqual(sha256(given.getBytes(StandardCharsets.UTF_8)), passwordHash);
    }

    /** A new session cookie value. */
    public String newSession() {
        long expires = clock.instant().plus(SESSION_LIFETIME).getEpochSecond();
        String body = expires + "." + nonce();
        return body + "." + sign("session." + body);
    }

    public Optional<Session> verify(String cookie) {
        if (cookie == null) {
            return Optional.empty();
        }
        String[] parts = cookie.split("\\.", -1);
        if (parts.length != 3 || !parts[0].matches("^[0-9]{1,12}$") || parts[1].isEmpty()) {
            return Optional.empty();
        }
        String body = parts[0] + "." + parts[1];
        if (!constantEquals(sign("session." + body), parts[2])) {
            return Optional.empty();
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[0]));
        if (!clock.instant().isBefore(expires) || revoked.containsKey(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(new Session(parts[1], expires, sign("csrf." + parts[1])));
    }

    public void revoke(Session s) {
        Instant now = clock.instant();
        revoked.entrySet().removeIf(e -> !now.isBefore(e.getValue()));
        revoked.put(s.nonce(), s.expires());
    }

    public boolean csrfMatches(Session s, String given) {
        return given != null && constantEquals(s.csrfToken(), given);
    }

    /** A fresh login-form nonce (kept in a short-lived cookie) and the form token that must come back with it. */
    public String newLoginNonce() {
        return clock.instant().plus(LOGIN_FORM_LIFETIME).getEpochSecond() + "." + nonce();
    }

    public String loginToken(String loginNonce) {
        return sign("login." + loginNonce);
    }

    public boolean loginTokenMatches(String loginNonce, String given) {
        if (loginNonce == null || given == null || !loginNonce.matches("^[0-9]{1,12}\\.[A-Za-z0-9_-]{10,64}$")) {
            return false;
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(loginNonce.substring(0, loginNonce.indexOf('.'))));
        return clock.instant().isBefore(expires) && constantEquals(loginToken(loginNonce), given);
    }

    private String nonce() {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    private String sign(String data) {
        return B64.encodeToString(hmac(key, data.getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean constantEquals(String expected, String given) {
        byte[] a = expected.getBytes(StandardCharsets.US_ASCII);
        byte[] b = given.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(a, b);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
