package dev.pokepedia.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncConfigTest {

    static final String LONG = "s".repeat(40);

    @Test
    void prefers_the_pokepedia_secret_then_supabases() {
        assertThat(SyncConfig.fromEnv(Map.of(SyncConfig.SECRET_ENV, LONG + "a", SyncConfig.SUPABASE_SECRET_ENV, LONG + "b")).jwtSecret())
                .contains(LONG + "a");
        SyncConfig supabase = SyncConfig.fromEnv(Map.of(SyncConfig.SUPABASE_SECRET_ENV, LONG + "b"));
        assertThat(supabase.jwtSecret()).contains(LONG + "b");
        assertThat(supabase.secretSource()).isEqualTo(SyncConfig.SUPABASE_SECRET_ENV);
        assertThat(SyncConfig.fromEnv(Map.of()).configured()).isFalse();
    }

    @Test
    void refuses_a_short_secret_with_a_fix() {
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of(SyncConfig.SECRET_ENV, "short")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.getMessage()).contains(SyncConfig.SECRET_ENV);
                    assertThat(e.hint()).contains("openssl rand");
                });
    }

    @Test
    void never_prints_the_secret() {
        assertThat(SyncConfig.fromEnv(Map.of(SyncConfig.SECRET_ENV, LONG)).toString()).doesNotContain(LONG).contains(SyncConfig.SECRET_ENV);
    }
}
