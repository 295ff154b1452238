package dev.pokepedia.syncclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.testkit.SettableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConfigAndClockTest {

    final SyncConfig base = SyncConfig.defaults(URI.create("http://localhost:8080"), () -> "secret-token");

    @Test
    void defaults_are_the_plans_and_the_token_never_shows_in_the_text() {
        assertThat(base.batchSize()).isEqualTo(50);
        assertThat(base.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(base.debounce()).isEqualTo(Duration.ofMillis(100));
        assertThat(base.strategy()).isEqualTo(ConflictStrategy.NEWEST_WINS);
        assertThat(base.retry().maxDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(base.toString()).doesNotContain("secret-token");
    }

    @Test
    void invalid_settings_say_what_and_how() {
        assertThatThrownBy(() -> SyncConfig.defaults(URI.create("ftp://x"), () -> "t")).hasMessageContaining("must be http(s)");
        assertThatThrownBy(() -> base.withBatchSize(0)).hasMessageContaining("batchSize 0 must be 1..1000");
        assertThatThrownBy(() -> base.withMaxRequestBytes(10L << 20)).hasMessageContaining("maxRequestBytes");
        assertThatThrownBy(() -> base.withTieStrategy(ConflictStrategy.MANUAL)).hasMessageContaining("tieStrategy");
        assertThatThrownBy(() -> base.withRetry(new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1))))
                .hasMessageContaining("maxRetries 0");
        assertThatThrownBy(() -> ConflictStrategy.parse("oldest-wins")).hasMessageContaining("local-wins, remote-wins");
    }

    @Test
    void backoff_has_full_jitter_capped_at_the_maximum() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(60));
        java.util.Random r = new java.util.Random(7);
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            max = Math.max(max, p.delayMs(30, r));
        }
        assertThat(max).isLessThanOrEqualTo(60_000).isGreaterThan(50_000);
        for (int i = 0; i < 200; i++) {
            assertThat(p.delayMs(1, r)).isBetween(0L, 5_000L);
        }
    }

    @Test
    void hlc_is_monotonic_corrects_by_server_time_and_ignores_stamps_from_a_clock_far_ahead() {
        SettableClock device = new SettableClock(Instant.parse("2026-12-08T12:00:00Z")); // a day ahead of the server
        Hlc hlc = new Hlc(device, "n1", 60_000, 0, 0, 0);
        Hlc.Stamp a = hlc.now();
        Hlc.Stamp b = hlc.now();
        assertThat(b).isGreaterThan(a);
        long server = Instant.parse("2026-12-07T12:00:00Z").toEpochMilli();
        hlc.observeServerTime(server);
        Hlc.Stamp c = hlc.now();
        assertThat(c.ms()).as("corrected to the server's time, not kept a day ahead").isBetween(server, server + 1000);
        hlc.merge(new Hlc.Stamp(server + Duration.ofDays(2).toMillis(), 0, "liar"));
        assertThat(hlc.now().ms()).isLessThan(server + 60_000);
        hlc.merge(new Hlc.Stamp(server + 5_000, 3, "peer"));
        Hlc.Stamp d = hlc.now();
        assertThat(d).isGreaterThan(new Hlc.Stamp(server + 5_000, 3, "peer"));
        assertThat(Hlc.Stamp.parse(d.toString())).isEqualTo(d);
        assertThat(d.toString()).matches("\\d{16}:\\d{4}:n1");
    }
}
