package dev.pokepedia.snapshotserver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConditionalTest {

    @Test
    void gzip_is_accepted_unless_absent_or_weighted_zero() {
        assertThat(Conditional.acceptsGzip("gzip, deflate, br")).isTrue();
        assertThat(Conditional.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
        assertThat(Conditional.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(Conditional.acceptsGzip("identity")).isFalse();
        assertThat(Conditional.acceptsGzip("*")).isTrue();
        assertThat(Conditional.acceptsGzip("*, gzip;q=0")).isFalse();
        assertThat(Conditional.acceptsGzip(null)).isFalse();
    }

    @Test
    void if_none_match_compares_weakly_and_honours_star_and_lists() {
        String etag = "\"abc\"";
        assertThat(Conditional.noneMatchHits("\"abc\"", etag)).isTrue();
        assertThat(Conditional.noneMatchHits("W/\"abc\"", etag)).isTrue();
        assertThat(Conditional.noneMatchHits("\"x\", \"abc\"", etag)).isTrue();
        assertThat(Conditional.noneMatchHits("*", etag)).isTrue();
        assertThat(Conditional.noneMatchHits("\"abcd\"", etag)).isFalse();
        assertThat(Conditional.noneMatchHits("abc", etag)).as("unquoted is not the tag").isFalse();
        assertThat(Conditional.noneMatchHits(null, etag)).isFalse();
    }

    @Test
    void if_modified_since_holds_when_the_date_is_not_before_last_modified() {
        Instant lm = Instant.parse("2026-07-10T12:00:00Z");
        assertThat(Conditional.notModifiedSince("Fri, 10 Jul 2026 12:00:00 GMT", lm)).isTrue();
        assertThat(Conditional.notModifiedSince("Fri, 10 Jul 2026 12:00:01 GMT", lm)).isTrue();
        assertThat(Conditional.notModifiedSince("Fri, 10 Jul 2026 11:59:59 GMT", lm)).isFalse();
        assertThat(Conditional.notModifiedSince("yesterday", lm)).isFalse();
    }

    @Test
    void http_dates_use_a_two_digit_day() {
        assertThat(Conditional.httpDate(Instant.parse("2026-07-05T08:09:10Z"))).isEqualTo("Sun, 05 Jul 2026 08:09:10 GMT");
    }
}
