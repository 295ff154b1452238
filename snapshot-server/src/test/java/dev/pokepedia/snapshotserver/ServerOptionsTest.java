package dev.pokepedia.snapshotserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

    @Test
    void defaults_bind_loopback_on_a_free_port_without_faults() {
        ServerOptions o = ServerOptions.defaults();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isZero();
        assertThat(o.injectsFaults()).isFalse();
        assertThat(o.withLatency(Duration.ofMillis(5)).injectsFaults()).isTrue();
    }

    @Test
    void an_error_rate_outside_zero_to_one_is_a_configuration_error() {
        assertThatThrownBy(() -> ServerOptions.defaults().withErrorRate(1.5))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--error-rate 1.5");
        assertThatThrownBy(() -> ServerOptions.defaults().withErrorRate(-0.1)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> ServerOptions.defaults().withErrorRate(Double.NaN)).isInstanceOf(ConfigurationException.class);
        assertThat(ServerOptions.defaults().withErrorRate(1.0).errorRate()).isEqualTo(1.0);
    }

    @Test
    void ports_budgets_and_latencies_out_of_range_are_configuration_errors() {
        assertThatThrownBy(() -> ServerOptions.defaults().withPort(-1)).isInstanceOf(ConfigurationException.class).hasMessageContaining("--port");
        assertThatThrownBy(() -> ServerOptions.defaults().withPort(65_536)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> ServerOptions.defaults().withRateLimitPerMinute(-5))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--rate-limit-429");
        assertThatThrownBy(() -> ServerOptions.defaults().withLatency(Duration.ofMillis(-1)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--latency-ms");
        assertThatThrownBy(() -> ServerOptions.defaults().withHost(" ")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void a_public_url_must_be_scheme_host_and_port_only() {
        assertThat(ServerOptions.defaults().withPublicUrl(URI.create("http://pokeapi.test:8080")).publicUrl()).hasHost("pokeapi.test");
        assertThat(ServerOptions.defaults().withPublicUrl(URI.create("https://pokeapi.test/")).publicUrl()).hasScheme("https");
        assertThatThrownBy(() -> ServerOptions.defaults().withPublicUrl(URI.create("http://pokeapi.test/api/v2/")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--public-url");
        assertThatThrownBy(() -> ServerOptions.defaults().withPublicUrl(URI.create("ftp://pokeapi.test")))
                .isInstanceOf(ConfigurationException.class);
    }
}
