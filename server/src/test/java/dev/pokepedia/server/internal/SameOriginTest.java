package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SameOriginTest {

    private final SameOrigin behindProxy = new SameOrigin(URI.create("https://pokedex.example"));

    @Test
    void ourPublicOriginAndTheHostTheBrowserUsedAreOurOwn() {
        assertThat(behindProxy.check("https://pokedex.example", null, "127.0.0.1:8080")).isInstanceOf(SameOrigin.Verdict.Own.class);
        assertThat(behindProxy.check("https://POKEDEX.example:443", null, null)).isInstanceOf(SameOrigin.Verdict.Own.class);
        assertThat(behindProxy.check("http://127.0.0.1:8080", null, "127.0.0.1:8080")).isInstanceOf(SameOrigin.Verdict.Own.class);
        assertThat(behindProxy.check("http://nas.local", null, "nas.local:80")).isInstanceOf(SameOrigin.Verdict.Own.class);
        assertThat(behindProxy.check(null, "same-origin", "x")).isInstanceOf(SameOrigin.Verdict.Own.class);
    }

    @Test
    void anotherSiteOrPortOrSchemeIsForeign() {
        assertThat(behindProxy.check("https://evil.example", null, "127.0.0.1:8080")).isInstanceOf(SameOrigin.Verdict.Foreign.class);
        assertThat(behindProxy.check("http://pokedex.example", null, "127.0.0.1:8080")).isInstanceOf(SameOrigin.Verdict.Foreign.class);
        assertThat(behindProxy.check("https://pokedex.example:8443", null, "127.0.0.1:8080")).isInstanceOf(SameOrigin.Verdict.Foreign.class);
        assertThat(behindProxy.check("http://127.0.0.1:9090", null, "127.0.0.1:8080")).isInstanceOf(SameOrigin.Verdict.Foreign.class);
        assertThat(behindProxy.check("null", null, "127.0.0.1:8080")).isInstanceOf(SameOrigin.Verdict.Foreign.class);
        assertThat(behindProxy.check("https://pokedex.example", "cross-site", "pokedex.example"))
                .isEqualTo(new SameOrigin.Verdict.Foreign("Sec-Fetch-Site: cross-site, Origin https://pokedex.example"));
        assertThat(behindProxy.check(null, "same-site", "pokedex.example")).isInstanceOf(SameOrigin.Verdict.Foreign.class);
    }

    @Test
    void noBrowserHeadersIsNoBrowser() {
        assertThat(behindProxy.check(null, null, "127.0.0.1:8080")).isInstanceOf(SameOrigin.Verdict.NotABrowser.class);
    }
}
