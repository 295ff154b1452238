package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

    @Test
    void rejectsBadValuesWithAFix() {
        assertThatThrownBy(() -> ServerOptions.defaults().withPort(70_000)).isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains("0 for a free port"));
        assertThatThrownBy(() -> ServerOptions.defaults().withPublicUrl(URI.create("ftp://x"))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> ServerOptions.defaults().withPublicUrl(URI.create("http://x/path"))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> ServerOptions.defaults().withMaxPokedexLimit(0)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> ServerOptions.defaults().withResponseCacheTtl(Duration.ofHours(1))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> ServerOptions.defaults().withHost(" ")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void adminPasswordComesFromTheEnvironmentAndMustBeLongEnough() {
        assertThat(AdminPassword.fromEnv(Map.of())).isEmpty();
        assertThat(AdminPassword.fromEnv(Map.of(AdminPassword.ENV, "long-enough-pw"))).isPresent();
        assertThatThrownBy(() -> AdminPassword.fromEnv(Map.of(AdminPassword.ENV, "s3cr"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("too short").satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr"));
        assertThatThrownBy(() -> AdminPassword.fromEnv(Map.of(AdminPassword.ENV, ""))).isInstanceOf(ConfigurationException.class);
        assertThat(ServerOptions.defaults().withAdminPassword(new AdminPassword("long-enough-pw")).toString()).doesNotContain("long-enough-pw");
    }

    @Test
    void mediaLinksParse() {
        assertThat(MediaLinks.parse(null).kind()).isEqualTo(MediaLinks.Kind.SELF);
        assertThat(MediaLinks.parse("upstream").kind()).isEqualTo(MediaLinks.Kind.UPSTREAM);
        assertThat(MediaLinks.parse("https://abc.supabase.co").base()).isEqualTo(URI.create("https://abc.supabase.co"));
        assertThatThrownBy(() -> MediaLinks.parse("not a url")).isInstanceOf(ConfigurationException.class);
    }
}
