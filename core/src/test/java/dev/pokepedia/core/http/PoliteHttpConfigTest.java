package dev.pokepedia.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.Backoff;
import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.PokepediaException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoliteHttpConfigTest {

    private static final PoliteHttpConfig D = PoliteHttpConfig.defaults();

    @Test
    void defaultsArePoliteAndUseFullJitter() {
        assertThat(D.maxInFlight()).isEqualTo(8);
        assertThat(D.requestsPerSecond()).isEqualTo(10);
        assertThat(D.rateScope()).isEqualTo(PoliteHttpConfig.RateScope.PER_HOST);
        assertThat(D.backoff().jitter()).isEqualTo(1.0);
        assertThat(D.userAgent()).startsWith("pokepedia-sync/");
    }

    @Test
    void eachWrongValueIsRejectedWithWhatIsWrongAndHowToFixIt() {
        assertRejected(() -> D.withMaxInFlight(0), "requests in flight must be 1..1024, got 0");
        assertRejected(() -> D.withMaxInFlight(5000), "requests in flight must be 1..1024, got 5000");
        assertRejected(() -> D.withRate(-1, PoliteHttpConfig.RateScope.PER_HOST), "requests per second must be 0 (unlimited) or more");
        assertRejected(() -> D.withRate(Double.NaN, PoliteHttpConfig.RateScope.PER_HOST), "requests per second");
        assertRejected(() -> D.withRate(1, null), "rate scope is missing");
        assertRejected(() -> D.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)), "connect timeout must be positive");
        assertRejected(() -> D.withTimeouts(Duration.ofSeconds(1), null), "answer timeout must be positive");
        assertRejected(() -> D.withRetries(0, D.backoff()), "attempts per request must be at least 1, got 0");
        assertRejected(() -> D.withRetries(3, null), "backoff is missing");
        assertRejected(() -> D.withRetryAfter(Duration.ofSeconds(-1), PoliteHttpConfig.LongRetryAfter.GIVE_BACK),
                "longest Retry-After to wait for must be zero or positive");
        assertRejected(() -> D.withRetryAfter(Duration.ofSeconds(1), null), "longer Retry-After is missing");
        assertRejected(() -> D.withMaxBytes(0), "body size limit must be 1..");
        assertRejected(() -> D.withUserAgent(" "), "User-Agent must be non-blank");
        assertRejected(() -> D.withUserAgent("bot\r\nX-Evil: 1"), "free of control characters");
    }

    @Test
    void withersChangeOnlyTheirValue() {
        PoliteHttpConfig c = D.withRetries(5, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 0));
        assertThat(c.maxAttempts()).isEqualTo(5);
        assertThat(c.backoff().initial()).isEqualTo(Duration.ofMillis(1));
        assertThat(c.withRetries(D.maxAttempts(), D.backoff())).isEqualTo(D);
    }

    private static void assertRejected(Runnable r, String message) {
        assertThatThrownBy(r::run)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((PokepediaException) e).hint()).as("hint").isNotBlank());
    }
}
