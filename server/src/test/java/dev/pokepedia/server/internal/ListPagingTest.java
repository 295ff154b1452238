package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListPagingTest {

    @Test
    void nextIsCutToWhatIsLeftAndAbsentAtTheEnd() {
        assertThat(new ListPaging(0, 20).next(1351)).isEqualTo("?offset=20&limit=20");
        assertThat(new ListPaging(1340, 5).next(1351)).isEqualTo("?offset=1345&limit=5");
        assertThat(new ListPaging(1345, 5).next(1351)).isEqualTo("?offset=1350&limit=1");
        assertThat(new ListPaging(1350, 5).next(1351)).isNull();
        assertThat(new ListPaging(5000, 5).next(1351)).isNull();
    }

    @Test
    void previousStepsBackOneLimitAndStopsAtZero() {
        assertThat(new ListPaging(0, 20).previous()).isNull();
        assertThat(new ListPaging(40, 20).previous()).isEqualTo("?offset=20&limit=20");
        assertThat(new ListPaging(5, 20).previous()).isEqualTo("?offset=0&limit=5");
    }
}
