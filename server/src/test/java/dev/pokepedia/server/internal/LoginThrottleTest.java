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

    @Test
    void blocksAClientAfterTheLimitUntilTheWindowEnds() {
        LoginThrottle t = new LoginThrottle(3, 100, Duration.ofMinutes(15), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(t.blockedForSeconds("a")).isZero();
            t.failed("a");
        }
        assertThat(t.blockedForSeconds("a")).isBetween(899L, 901L);
        assertThat(t.blockedForSeconds("b")).isZero();
        now.set(now.get().plus(Duration.ofMinutes(15)));
        assertThat(t.blockedForSeconds("a")).isZero();
    }

    @Test
    void blocksEveryoneWhenFailuresFromManyClientsAddUp() {
        LoginThrottle t = new LoginThrottle(3, 5, Duration.ofMinutes(15), clock);
        for (int i = 0; i < 5; i++) {
            t.failed("client-" + i);
        }
        assertThat(t.blockedForSeconds("someone-new")).isPositive();
    }

    @Test
    void successClearsTheClientsCount() {
        LoginThrottle t = new LoginThrottle(2, 100, Duration.ofMinutes(15), clock);
        t.failed("a");
        t.succeeded("a");
        t.failed("a");
        assertThat(t.blockedForSeconds("a")).isZero();
    }
}
