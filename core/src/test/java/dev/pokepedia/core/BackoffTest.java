package dev.pokepedia.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void withoutJitterEachAttemptDoublesTheDelayUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0);
        Random r = new Random(1);
        assertThat(b.delay(1, r)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delay(2, r)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.delay(3, r)).isEqualTo(Duration.ofMillis(400));
        assertThat(b.delay(4, r)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.delay(5, r)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.delay(500, r)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterShortensDelaysByAtMostItsFractionAndSpreadsThem() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5);
        Random r = new Random(42);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            Duration d = b.delay(3, r); // 4 s before jitter
            assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
            seen.add(d);
        }
        assertThat(seen).hasSizeGreaterThan(900);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        Backoff b = Backoff.DEFAULT;
        assertThat(b.delay(4, new Random(7))).isEqualTo(b.delay(4, new Random(7)));
    }

    @Test
    void delaysNeverExceedTheCapEvenWithFullJitterAndHugeAttemptNumbers() {
        Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMinutes(5), 1.0);
        Random r = new Random(3);
        for (int attempt = 1; attempt < 200; attempt++) {
            assertThat(b.delay(attempt, r)).isBetween(Duration.ZERO, Duration.ofMinutes(5));
        }
    }

    @Test
    void invalidSettingsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("initial delay must be positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least the initial delay");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("jitter must be between 0 and 1");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), Double.NaN))
                .isInstanceOf(ConfigurationException.class);
    }
}
