package dev.pokepedia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConditionalRequestsTest {

    @Test
    void gzipIsAcceptedUnlessAbsentOrWeightedZero() {
        assertThat(ConditionalRequests.acceptsGzip("gzip, deflate, br")).isTrue();
        assertThat(ConditionalRequests.acceptsGzip("br;q=1.0, gzip;q=0.8")).isTrue();
        assertThat(ConditionalRequests.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
        assertThat(ConditionalRequests.acceptsGzip("x-gzip")).isTrue();
        assertThat(ConditionalRequests.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(ConditionalRequests.acceptsGzip("gzip;q=oops")).isFalse();
        assertThat(ConditionalRequests.acceptsGzip("*")).isTrue();
        assertThat(ConditionalRequests.acceptsGzip("*;q=0, identity")).isFalse();
        assertThat(ConditionalRequests.acceptsGzip("*, gzip;q=0")).isFalse();
        assertThat(ConditionalRequests.acceptsGzip("identity")).isFalse();
        assertThat(ConditionalRequests.acceptsGzip(null)).isFalse();
    }

    @Test
    void ifNoneMatchComparesWeaklyAndHonoursStarAndLists() {
        String etag = "\"abc\"";
        assertThat(ConditionalRequests.noneMatchHits("\"abc\"", etag)).isTrue();
        assertThat(ConditionalRequests.noneMatchHits("W/\"abc\"", etag)).isTrue();
        assertThat(ConditionalRequests.noneMatchHits("\"abc\"", "W/\"abc\"")).as("weak on our side too").isTrue();
        assertThat(ConditionalRequests.noneMatchHits("\"x\", \"abc\"", etag)).isTrue();
        assertThat(ConditionalRequests.noneMatchHits("*", etag)).isTrue();
        assertThat(ConditionalRequests.noneMatchHits("\"abcd\"", etag)).isFalse();
        assertThat(ConditionalRequests.noneMatchHits("abc", etag)).as("unquoted is not the tag").isFalse();
        assertThat(ConditionalRequests.noneMatchHits(null, etag)).isFalse();
        assertThat(ConditionalRequests.noneMatchHits("*", null)).as("no representation, no hit").isFalse();
    }

    @Test
    void ifModifiedSinceHoldsWhenTheDateIsNotBeforeLastModified() {
        Instant lm = Instant.parse("2026-07-10T12:00:00Z");
        assertThat(ConditionalRequests.notModifiedSince("Fri, 10 Jul 2026 12:00:00 GMT", lm)).isTrue();
        assertThat(ConditionalRequests.notModifiedSince("Fri, 10 Jul 2026 12:00:01 GMT", lm)).isTrue();
        assertThat(ConditionalRequests.notModifiedSince("Fri, 10 Jul 2026 11:59:59 GMT", lm)).isFalse();
        assertThat(ConditionalRequests.notModifiedSince("yesterday", lm)).isFalse();
        assertThat(ConditionalRequests.notModifiedSince(null, lm)).isFalse();
    }

    @Test
    void httpDatesUseATwoDigitDay() {
        assertThat(ConditionalRequests.httpDate(Instant.parse("2026-07-05T08:09:10Z"))).isEqualTo("Sun, 05 Jul 2026 08:09:10 GMT");
    }
}
