package dev.pokepedia.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.Backoff;
import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.PokepediaException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void defaultsAreUsableAndWithersChangeOnlyTheirField() {
        WorkerConfig c = WorkerConfig.of("jobs");
        assertThat(c.concurrency()).isEqualTo(8);
        assertThat(c.batchSize()).isEqualTo(32);
        assertThat(c.visibilityTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxAttempts()).isEqualTo(5);
        assertThat(c.archiveOnSuccess()).isFalse();

        WorkerConfig d = c.withConcurrency(3).withBatchSize(7).withMaxAttempts(2).withArchiveOnSuccess(true)
                .withVisibilityTimeout(Duration.ofSeconds(5)).withPollInterval(Duration.ofMillis(250));
        assertThat(d).isEqualTo(new WorkerConfig("jobs", 3, 7, Duration.ofSeconds(5), 2, Backoff.DEFAULT, Duration.ofMillis(250), true));
        assertThat(c.concurrency()).as("records are immutable").isEqualTo(8);
    }

    @Test
    void eachInvalidFieldIsNamedInTheMessage() {
        WorkerConfig c = WorkerConfig.of("jobs");
        assertThatThrownBy(() -> c.withConcurrency(0)).isInstanceOf(ConfigurationException.class)
                .hasMessage("Worker for queue 'jobs': concurrency must be between 1 and 10000, got 0");
        assertThatThrownBy(() -> c.withBatchSize(20_000)).isInstanceOf(ConfigurationException.class)
                .hasMessage("Worker for queue 'jobs': batchSize must be between 1 and 10000, got 20000");
        assertThatThrownBy(() -> c.withVisibilityTimeout(Duration.ZERO)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("visibilityTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> c.withMaxAttempts(0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxAttempts must be at least 1, got 0");
        assertThatThrownBy(() -> c.withBackoff(null)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("backoff is missing");
        assertThatThrownBy(() -> c.withPollInterval(Duration.ofNanos(10))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("pollInterval must be at least 1 ms");
    }

    @Test
    void aBadQueueNameIsAConfigurationErrorWithAHint() {
        assertThatThrownBy(() -> WorkerConfig.of("Bad Name!"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Invalid queue name 'Bad Name!'")
                .satisfies(e -> {
                    assertThat(((PokepediaException) e).code()).isEqualTo(PokepediaException.ErrorCode.CONFIGURATION);
                    assertThat(((PokepediaException) e).hint()).contains("lowercase letters");
                });
        assertThatThrownBy(() -> WorkerConfig.of(null)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> WorkerConfig.of("x".repeat(64))).isInstanceOf(ConfigurationException.class);
        assertThat(WorkerConfig.of("x".repeat(63)).queue()).hasSize(63);
    }
}
