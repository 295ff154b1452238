package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-07-10T12:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private static final Duration SLOW = Duration.ofSeconds(1);

    private static long refusedFor(LoginThrottle t, String client) {
        return t.decide(client) instanceof LoginThrottle.Decision.Refuse r ? r.retryAfterSeconds() : 0;
    }

    private static Duration delay(LoginThrottle t, String client) {
        return t.decide(client) instanceof LoginThrottle.Decision.Proceed p ? p.delay() : null;
    }

    @Test
    void blocksAClientAfterTheLimitUntilTheWindowEnds() {
        LoginThrottle t = new LoginThrottle(3, 100, Duration.ofMinutes(15), SLOW, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(refusedFor(t, "a")).isZero();
            t.failed("a");
        }
        assertThat(refusedFor(t, "a")).isBetween(899L, 901L);
        assertThat(refusedFor(t, "b")).isZero();
        now.set(now.get().plus(Duration.ofMinutes(15)));
        assertThat(refusedFor(t, "a")).isZero();
    }

    @Test
    void failuresFromManyClientsSlowEveryoneDownButRefuseNoOneElse() {
        LoginThrottle t = new LoginThrottle(3, 5, Duration.ofMinutes(15), SLOW, clock);
        assertThat(delay(t, "someone-new")).isZero();
        for (int i = 0; i < 5; i++) {
            t.failed("client-" + i);
        }
        assertThat(delay(t, "someone-new")).as("the right password still gets through, a second later").isEqualTo(SLOW);
        assertThat(t.failuresOverall()).isEqualTo(5);
        now.set(now.get().plus(Duration.ofMinutes(15)));
        assertThat(delay(t, "someone-new")).isZero();
    }

    @Test
    void anIpv6ClientIsOneClientAcrossItsSlash64() {
        LoginThrottle t = new LoginThrottle(3, 100, Duration.ofMinutes(15), SLOW, clock);
        t.failed("2001:db8:1:2::1");
        t.failed("[2001:db8:1:2::abcd]");
        t.failed("2001:db8:1:2:ffff:ffff:ffff:ffff");
        assertThat(refusedFor(t, "2001:db8:1:2::99")).isPositive();
        assertThat(refusedFor(t, "2001:db8:1:3::1")).isZero();
        assertThat(refusedFor(t, "127.0.0.1")).isZero();
    }

    @Test
    void successClearsTheClientsCount() {
        LoginThrottle t = new LoginThrottle(2, 100, Duration.ofMinutes(15), SLOW, clock);
        t.failed("a");
        t.succeeded("a");
        t.failed("a");
        assertThat(refusedFor(t, "a")).isZero();
    }
}
