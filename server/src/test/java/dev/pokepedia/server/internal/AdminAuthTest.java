package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.server.AdminPassword;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AdminAuthTest {

    private static final Instant T0 = Instant.parse("2026-07-10T12:00:00Z");

    @Test
    void aSessionVerifiesUntilItExpires() {
        AdminAuth auth = new AdminAuth(new AdminPassword("password-one"), Clock.fixed(T0, ZoneOffset.UTC));
        String cookie = auth.newSession();
        assertThat(auth.verify(cookie)).isPresent();
        AdminAuth later = new AdminAuth(new AdminPassword("password-one"), Clock.fixed(T0.plus(AdminAuth.SESSION_LIFETIME), ZoneOffset.UTC));
        assertThat(later.verify(cookie)).isEmpty();
    }

    @Test
    void anotherProcessWithTheSamePasswordAcceptsItAChangedPasswordDoesNot() {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        String cookie = new AdminAuth(new AdminPassword("password-one"), clock).newSession();
        assertThat(new AdminAuth(new AdminPassword("password-one"), clock).verify(cookie)).isPresent();
        assertThat(new AdminAuth(new AdminPassword("password-two"), clock).verify(cookie)).isEmpty();
    }

    @Test
    void tamperedCookiesAreRejected() {
        AdminAuth auth = new AdminAuth(new AdminPassword("password-one"), Clock.fixed(T0, ZoneOffset.UTC));
        String cookie = auth.newSession();
        String[] p = cookie.split("\\.");
        assertThat(auth.verify((Long.parseLong(p[0]) + 999_999) + "." + p[1] + "." + p[2])).isEmpty();
        assertThat(auth.verify(p[0] + ".other." + p[2])).isEmpty();
        assertThat(auth.verify("garbage")).isEmpty();
        assertThat(auth.verify(null)).isEmpty();
    }

    @Test
    void csrfTokenBelongsToItsSessionAndLogoutRevokes() {
        AdminAuth auth = new AdminAuth(new AdminPassword("password-one"), Clock.fixed(T0, ZoneOffset.UTC));
        var one = auth.verify(auth.newSession()).orElseThrow();
        var two = auth.verify(auth.newSession()).orElseThrow();
        assertThat(auth.csrfMatches(one, one.csrfToken())).isTrue();
        assertThat(auth.csrfMatches(one, two.csrfToken())).isFalse();
        assertThat(auth.csrfMatches(one, null)).isFalse();
        String cookie = auth.newSession();
        auth.revoke(auth.verify(cookie).orElseThrow());
        assertThat(auth.verify(cookie)).isEmpty();
    }

    @Test
    void loginFormTokensExpire() {
        AdminAuth auth = new AdminAuth(new AdminPassword("password-one"), Clock.fixed(T0, ZoneOffset.UTC));
        String nonce = auth.newLoginNonce();
        assertThat(auth.loginTokenMatches(nonce, auth.loginToken(nonce))).isTrue();
        assertThat(auth.loginTokenMatches(nonce, "x")).isFalse();
        AdminAuth later = new AdminAuth(new AdminPassword("password-one"), Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        assertThat(later.loginTokenMatches(nonce, auth.loginToken(nonce))).isFalse();
    }

    @Test
    void passwordIsNeverPrinted() {
        assertThat(new AdminPassword("password-one").toString()).doesNotContain("password-one");
    }
}
