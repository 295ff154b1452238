package dev.pokepedia.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.pokepedia.sync.internal.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

    static final String SECRET = "k".repeat(48);
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    final TokenVerifier verifier = new TokenVerifier(SECRET, Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));

    static String token(String secret, Instant exp, String sub) {
        var b = JWT.create().withClaim("role", "authenticated");
        if (sub != null) {
            b.withSubject(sub);
        }
        if (exp != null) {
            b.withExpiresAt(exp);
        }
        return "Bearer " + b.sign(Algorithm.HMAC256(secret));
    }

    static void unauthorized(Runnable r, String inMessage) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(SyncException.class, e -> {
            assertThat(e.kind()).isEqualTo(SyncException.Kind.UNAUTHORIZED);
            assertThat(e.getMessage()).contains(inMessage);
        });
    }

    @Test
    void accepts_a_valid_token_and_keeps_its_claims() {
        AuthenticatedUser u = verifier.verify(token(SECRET, NOW.plusSeconds(60), "user-1"));
        assertThat(u.user().value()).isEqualTo("user-1");
        assertThat(u.claimsJson()).contains("\"sub\":\"user-1\"").contains("\"role\":\"authenticated\"");
    }

    @Test
    void refuses_expired_forged_and_incomplete_tokens() {
        unauthorized(() -> verifier.verify(token(SECRET, NOW.minusSeconds(31), "u")), "expired");
        assertThat(verifier.verify(token(SECRET, NOW.minusSeconds(10), "u")).user().value()).isEqualTo("u"); // within the leeway
        unauthorized(() -> verifier.verify(token("z".repeat(48), NOW.plusSeconds(60), "u")), "signature");
        unauthorized(() -> verifier.verify(token(SECRET, null, "u")), "exp");
        unauthorized(() -> verifier.verify(token(SECRET, NOW.plusSeconds(60), null)), "sub");
        unauthorized(() -> verifier.verify(null), "missing");
        unauthorized(() -> verifier.verify("Token abc"), "Bearer");
        unauthorized(() -> verifier.verify("Bearer abc.def"), "not a JWT");
        String none = JWT.create().withSubject("u").withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.none());
        unauthorized(() -> verifier.verify("Bearer " + none), "HS256");
    }
}
