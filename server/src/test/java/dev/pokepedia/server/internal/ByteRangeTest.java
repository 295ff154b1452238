package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void closedOpenAndSuffixRanges() {
        assertThat(ByteRange.parse("bytes=0-9", 100)).isEqualTo(new ByteRange.Part(new ByteRange(0, 9)));
        assertThat(ByteRange.parse("bytes=90-", 100)).isEqualTo(new ByteRange.Part(new ByteRange(90, 99)));
        assertThat(ByteRange.parse("bytes=-10", 100)).isEqualTo(new ByteRange.Part(new ByteRange(90, 99)));
        assertThat(ByteRange.parse("bytes=50-500", 100)).isEqualTo(new ByteRange.Part(new ByteRange(50, 99)));
        assertThat(ByteRange.parse("bytes=-500", 100)).isEqualTo(new ByteRange.Part(new ByteRange(0, 99)));
    }

    @Test
    void startPastTheEndIsUnsatisfiable() {
        assertThat(ByteRange.parse("bytes=100-", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=100-200", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=-0", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void malformedOrMultipleRangesAreIgnored() {
        for (String h : new String[] {null, "items=0-1", "bytes=", "bytes=a-b", "bytes=5-1", "bytes=0-1,5-6", "bytes=--1"}) {
            assertThat(ByteRange.parse(h, 100)).as(h).isInstanceOf(ByteRange.Whole.class);
        }
    }

    @Test
    void contentRangeNamesTheSlice() {
        assertThat(new ByteRange(10, 19).contentRange(100)).isEqualTo("bytes 10-19/100");
        assertThat(new ByteRange(10, 19).length()).isEqualTo(10);
    }
}
