package dev.pokepedia.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpRetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-07-10T12:00:00Z");

    @Test
    void secondsAreTakenAsIs() {
        assertThat(HttpRetryAfter.parse("1", NOW)).contains(Duration.ofSeconds(1));
        assertThat(HttpRetryAfter.parse(" 120 ", NOW)).contains(Duration.ofSeconds(120));
        assertThat(HttpRetryAfter.parse("0", NOW)).contains(Duration.ZERO);
        assertThat(HttpRetryAfter.parse("99999999999999999999", NOW)).hasValueSatisfying(
                d -> assertThat(d).isGreaterThan(Duration.ofDays(1)));
    }

    @Test
    void anHttpDateIsMeasuredFromNow() {
        assertThat(HttpRetryAfter.parse("Fri, 10 Jul 2026 12:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(HttpRetryAfter.parse("Fri, 10 Jul 2026 11:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void garbageOrAbsenceGivesNothing() {
        assertThat(HttpRetryAfter.parse(null, NOW)).isEmpty();
        assertThat(HttpRetryAfter.parse("", NOW)).isEmpty();
        assertThat(HttpRetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(HttpRetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(HttpRetryAfter.parse("1.5", NOW)).isEmpty();
    }
}
