package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.testkit.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-07-10T12:00:00Z"));

    private static final Duration SLOW = Duration.ofSeconds(1);

    /** A throttle of a 15-minute window that slows every login by {@link #SLOW} once {@code overall} failures are in it. */
    private LoginThrottle throttle(int perClient, int overall) {
        return new LoginThrottle(perClient, overall, Duration.ofMinutes(15), SLOW, clock);
    }

    private static long refusedFor(LoginThrottle t, String client) {
        return t.decide(client) instanceof LoginThrottle.Decision.Refuse r ? r.retryAfterSeconds() : 0;
    }

    private static Duration delay(LoginThrottle t, String client) {
        return t.decide(client) instanceof LoginThrottle.Decision.Proceed p ? p.delay() : null;
    }

    @Test
    void blocksAClientAfterTheLimitUntilTheWindowEnds() {
        LoginThrottle t = throttle(3, 100);
        for (int i = 0; i < 3; i++) {
            assertThat(refusedFor(t, "a")).isZero();
            t.failed("a");
        }
        assertThat(refusedFor(t, "a")).isBetween(899L, 901L);
        assertThat(refusedFor(t, "b")).isZero();
        clock.advance(Duration.ofMinutes(15));
        assertThat(refusedFor(t, "a")).isZero();
    }

    @Test
    void failuresFromManyClientsSlowEveryoneDownButRefuseNoOneElse() {
        LoginThrottle t = throttle(3, 5);
        assertThat(delay(t, "someone-new")).isZero();
        for (int i = 0; i < 5; i++) {
            t.failed("client-" + i);
        }
        assertThat(delay(t, "someone-new")).as("the right password still gets through, a second later").isEqualTo(SLOW);
        assertThat(t.failuresOverall()).isEqualTo(5);
        clock.advance(Duration.ofMinutes(15));
        assertThat(delay(t, "someone-new")).isZero();
    }

    @Test
    void anIpv6ClientIsOneClientAcrossItsSlash64() {
        LoginThrottle t = throttle(3, 100);
        for (String sameSlash64 : List.of("2001:db8:1:2::1", "[2001:db8:1:2::abcd]", "2001:db8:1:2:ffff:ffff:ffff:ffff")) {
            t.failed(sameSlash64);
        }
        assertThat(refusedFor(t, "2001:db8:1:2::99")).isPositive();
        assertThat(refusedFor(t, "2001:db8:1:3::1")).isZero();
        assertThat(refusedFor(t, "127.0.0.1")).isZero();
    }

    @Test
    void successClearsTheClientsCount() {
        LoginThrottle t = throttle(2, 100);
        t.failed("a");
        t.succeeded("a");
        t.failed("a");
        assertThat(refusedFor(t, "a")).isZero();
    }
}
