package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpCachingTest {

    @Test
    void gzipIsAcceptedUnlessRefusedByQZero() {
        assertThat(HttpCaching.acceptsGzip("gzip, deflate, br")).isTrue();
        assertThat(HttpCaching.acceptsGzip("br;q=1.0, gzip;q=0.8")).isTrue();
        assertThat(HttpCaching.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(HttpCaching.acceptsGzip("*")).isTrue();
        assertThat(HttpCaching.acceptsGzip("*;q=0, identity")).isFalse();
        assertThat(HttpCaching.acceptsGzip("identity")).isFalse();
        assertThat(HttpCaching.acceptsGzip(null)).isFalse();
    }

    @Test
    void ifNoneMatchUsesWeakComparisonAndLists() {
        assertThat(HttpCaching.noneMatchHits("\"abc\"", "\"abc\"")).isTrue();
        assertThat(HttpCaching.noneMatchHits("W/\"abc\"", "\"abc\"")).isTrue();
        assertThat(HttpCaching.noneMatchHits("\"x\", \"abc\"", "\"abc\"")).isTrue();
        assertThat(HttpCaching.noneMatchHits("*", "\"abc\"")).isTrue();
        assertThat(HttpCaching.noneMatchHits("\"abd\"", "\"abc\"")).isFalse();
        assertThat(HttpCaching.noneMatchHits(null, "\"abc\"")).isFalse();
    }
}
