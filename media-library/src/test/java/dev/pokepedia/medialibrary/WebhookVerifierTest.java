package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.medialibrary.CloudinaryConfig.SignatureAlgorithm;
import dev.pokepedia.medialibrary.WebhookRejectedException.Reason;
import dev.pokepedia.testkit.SettableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {

    private static final String SECRET = "wh-secret-9f8e7d6c5b4a";
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final String BODY = "{\"notification_type\":\"upload\",\"public_id\":\"pokedex/pikachu\","
            + "\"version\":1765108800,\"request_id\":\"req-1\",\"resource_type\":\"image\"}";

    private final SettableClock clock = new SettableClock(NOW);
    private final WebhookVerifier sha1 = new WebhookVerifier(SECRET, SignatureAlgorithm.SHA1,
            WebhookVerifier.DEFAULT_TOLERANCE, clock);

    /** The signature computed independently: the documented string concatenation, hashed, as lower-case hex. */
    private static String sign(String algorithm, String body, String timestamp, String secret) throws Exception {
        byte[] d = MessageDigest.getInstance(algorithm).digest((body + timestamp + secret).getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder();
        for (byte b : d) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    private static String ts(Instant t) {
        return Long.toString(t.getEpochSecond());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void accepts_a_sha1_signed_notification_and_parses_it() throws Exception {
        Notification n = sha1.verify(bytes(BODY), ts(NOW), sign("SHA-1", BODY, ts(NOW), SECRET));
        assertThat(n.type()).isEqualTo("upload");
        assertThat(n.requestId()).isEqualTo("req-1");
        assertThat(n.signedAt()).isEqualTo(NOW);
        assertThat(n.body().path("public_id").asText()).isEqualTo("pokedex/pikachu");
    }

    @Test
    void accepts_sha256_when_the_environment_is_configured_for_it_and_refuses_sha1_then() throws Exception {
        WebhookVerifier sha256 = new WebhookVerifier(SECRET, SignatureAlgorithm.SHA256, Duration.ofHours(2), clock);
        assertThat(sha256.verify(bytes(BODY), ts(NOW), sign("SHA-256", BODY, ts(NOW), SECRET)).type())
                .isEqualTo("upload");
        assertThatThrownBy(() -> sha256.verify(bytes(BODY), ts(NOW.plusSeconds(1)),
                sign("SHA-1", BODY, ts(NOW.plusSeconds(1)), SECRET)))
                .isInstanceOfSatisfying(WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }

    @Test
    void refuses_a_forged_signature_without_echoing_the_secret_or_the_expected_value() throws Exception {
        String forged = sign("SHA-1", BODY, ts(NOW), "guessed-secret");
        String expected = sign("SHA-1", BODY, ts(NOW), SECRET);
        assertThatThrownBy(() -> sha1.verify(bytes(BODY), ts(NOW), forged))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
                    assertThat(e.getMessage() + e.hint()).doesNotContain(SECRET).doesNotContain(expected);
                });
    }

    @Test
    void refuses_a_truncated_or_reserialised_body() throws Exception {
        String sig = sign("SHA-1", BODY, ts(NOW), SECRET);
        String truncated = BODY.substring(0, BODY.length() - 5);
        String spaced = BODY.replace(",", ", ");
        for (String body : new String[] {truncated, spaced}) {
            assertThatThrownBy(() -> sha1.verify(bytes(body), ts(NOW), sig))
                    .isInstanceOfSatisfying(WebhookRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        }
    }

    @Test
    void refuses_a_timestamp_outside_the_tolerance_either_way() throws Exception {
        Instant old = NOW.minus(Duration.ofSeconds(7201));
        Instant future = NOW.plus(Duration.ofSeconds(7201));
        for (Instant t : new Instant[] {old, future}) {
            assertThatThrownBy(() -> sha1.verify(bytes(BODY), ts(t), sign("SHA-1", BODY, ts(t), SECRET)))
                    .isInstanceOfSatisfying(WebhookRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.OUTSIDE_TOLERANCE));
        }
        Instant edge = NOW.minus(Duration.ofSeconds(7200));
        assertThat(sha1.verify(bytes(BODY), ts(edge), sign("SHA-1", BODY, ts(edge), SECRET))).isNotNull();
    }

    @Test
    void refuses_milliseconds_with_a_message_that_says_so() throws Exception {
        String millis = Long.toString(NOW.toEpochMilli());
        assertThatThrownBy(() -> sha1.verify(bytes(BODY), millis, sign("SHA-1", BODY, millis, SECRET)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MILLISECONDS_TIMESTAMP);
                    assertThat(e.getMessage()).contains("milliseconds").contains("seconds");
                });
    }

    @Test
    void refuses_a_replayed_signature() throws Exception {
        String sig = sign("SHA-1", BODY, ts(NOW), SECRET);
        sha1.verify(bytes(BODY), ts(NOW), sig);
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> sha1.verify(bytes(BODY), ts(NOW), sig))
                .isInstanceOfSatisfying(WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.REPLAYED));
    }

    @Test
    void parses_the_body_only_after_it_verified() throws Exception {
        String garbage = "{not json";
        assertThatThrownBy(() -> sha1.verify(bytes(garbage), ts(NOW), sign("SHA-1", BODY, ts(NOW), SECRET)))
                .isInstanceOfSatisfying(WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        assertThatThrownBy(() -> sha1.verify(bytes(garbage), ts(NOW), sign("SHA-1", garbage, ts(NOW), SECRET)))
                .isInstanceOfSatisfying(WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_BODY));
        String noType = "{\"public_id\":\"x\"}";
        assertThatThrownBy(() -> sha1.verify(bytes(noType), ts(NOW), sign("SHA-1", noType, ts(NOW), SECRET)))
                .hasMessageContaining("notification_type");
    }

    @Test
    void missing_or_malformed_headers_are_named() {
        assertThatThrownBy(() -> sha1.verify(bytes(BODY), null, "abc")).hasMessageContaining("X-Cld-Timestamp");
        assertThatThrownBy(() -> sha1.verify(bytes(BODY), ts(NOW), " ")).hasMessageContaining("X-Cld-Signature");
        assertThatThrownBy(() -> sha1.verify(bytes(BODY), "12:00", "abc"))
                .isInstanceOfSatisfying(WebhookRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_TIMESTAMP));
    }

    @Test
    void an_upper_case_signature_is_the_same_signature() throws Exception {
        String sig = sign("SHA-1", BODY, ts(NOW), SECRET).toUpperCase();
        assertThat(sha1.verify(bytes(BODY), ts(NOW), sig).type()).isEqualTo("upload");
    }
}
