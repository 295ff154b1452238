package dev.pokepedia.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.media.internal.HttpAssetSource;
import dev.pokepedia.media.internal.HttpSourceOptions;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpSourceOptionsTest {

    private static final HttpSourceOptions D = HttpSourceOptions.defaults();

    @Test
    void defaultsArePolite() {
        assertThat(D.mirrorBase()).isNull();
        assertThat(D.concurrency()).isEqualTo(16);
        assertThat(D.requestsPerMinute()).isZero();
        assertThat(D.maxAttempts()).isEqualTo(5);
        assertThat(D.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(D.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(D.maxBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(D.userAgent()).isEqualTo("pokepedia-sync/0.1 (+https://github.com/pokepedia)");
        assertThat(D.maxRetryAfter()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void withersChangeOneThing() {
        HttpSourceOptions o = D.withConcurrency(3).withRequestsPerMinute(60).withMaxAttempts(2).withMaxBytes(10);
        assertThat(o).isEqualTo(new HttpSourceOptions(null, 3, 60, 2, D.connectTimeout(), D.requestTimeout(), 10,
                D.userAgent(), D.initialBackoff(), D.maxBackoff(), D.maxRetryAfter()));
    }

    @Test
    void badValuesAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> D.withConcurrency(0)).isInstanceOf(ConfigurationException.class)
                .hasMessage("HTTP concurrency must be between 1 and 512, not 0.");
        assertThatThrownBy(() -> D.withRequestsPerMinute(-1)).isInstanceOf(ConfigurationException.class)
                .hasMessage("Requests per minute must be 0 (unlimited) or more, not -1.");
        assertThatThrownBy(() -> D.withMaxAttempts(0)).isInstanceOf(ConfigurationException.class)
                .hasMessage("HTTP attempts per asset must be between 1 and 100, not 0.");
        assertThatThrownBy(() -> D.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(ConfigurationException.class).hasMessage("The HTTP connect timeout must be positive, not PT0S.");
        assertThatThrownBy(() -> D.withTimeouts(Duration.ofSeconds(1), null))
                .isInstanceOf(ConfigurationException.class).hasMessage("The HTTP request timeout must be positive, not null.");
        assertThatThrownBy(() -> D.withMaxBytes(0)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("The HTTP body size limit must be between 1 and ");
        assertThatThrownBy(() -> D.withUserAgent(" ")).isInstanceOf(ConfigurationException.class)
                .hasMessage("The HTTP User-Agent must be non-blank and free of control characters.");
        assertThatThrownBy(() -> D.withUserAgent("a\r\nX-Evil: 1")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> D.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("The maximum backoff (PT1S) must not be shorter than the initial backoff (PT2S).");
        assertThatThrownBy(() -> D.withMaxRetryAfter(Duration.ofSeconds(-1))).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void theMirrorBaseMustBeAnHttpUrl() {
        assertThat(D.withMirrorBase(URI.create("https://mirror.example.org/media/")).mirrorBase()).isNotNull();
        assertThatThrownBy(() -> D.withMirrorBase(URI.create("ftp://mirror.example.org/")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("The mirror base URL must be an absolute http:// or https:// URL with a host, not 'ftp://mirror.example.org/'.");
        assertThatThrownBy(() -> D.withMirrorBase(URI.create("mirror/media"))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> D.withMirrorBase(URI.create("https://m.example.org/x?token=1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must not have a query or fragment");
    }

    @Test
    void urlsComeFromTheMirrorBaseWithOrWithoutTrailingSlashOrFromTheAsset() {
        Asset a = new Asset(1, Asset.SPRITES_BUCKET, "sprites/pokemon/female/25.png",
                "https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon/female/25.png", AssetKind.SPRITE, AssetStatus.PENDING, null);
        try (HttpAssetSource upstream = new HttpAssetSource(D);
             HttpAssetSource slash = new HttpAssetSource(D.withMirrorBase(URI.create("http://m.example.org/base/")));
             HttpAssetSource bare = new HttpAssetSource(D.withMirrorBase(URI.create("http://m.example.org")))) {
            assertThat(upstream.urlFor(a)).hasToString(a.sourceUrl());
            assertThat(slash.urlFor(a)).hasToString("http://m.example.org/base/sprites/pokemon/female/25.png");
            assertThat(bare.urlFor(a)).hasToString("http://m.example.org/sprites/pokemon/female/25.png");
            Asset odd = new Asset(2, Asset.SPRITES_BUCKET, "sprites/pokemon/mr mime?.png", null, AssetKind.SPRITE, AssetStatus.PENDING, null);
            assertThat(bare.urlFor(odd)).hasToString("http://m.example.org/sprites/pokemon/mr%20mime%3F.png");
            assertThatThrownBy(() -> upstream.urlFor(odd)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no source URL");
            Asset escape = new Asset(3, Asset.SPRITES_BUCKET, "../secret.png", null, AssetKind.SPRITE, AssetStatus.PENDING, null);
            assertThatThrownBy(() -> bare.urlFor(escape)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'..' segment");
            assertThat(upstream.describe()).isEqualTo("upstream URLs over HTTP");
            assertThat(slash.describe()).isEqualTo("HTTP mirror http://m.example.org/base/");
        }
    }
}
