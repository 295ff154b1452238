package dev.pokepedia.snapshotserver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagingTest {

    @Test
    void missing_zero_or_unparsable_parameters_take_upstreams_defaults() {
        assertThat(Paging.fromQuery(null)).isEqualTo(new Paging(0, 20));
        assertThat(Paging.fromQuery("limit=0&offset=")).isEqualTo(new Paging(0, 20));
        assertThat(Paging.fromQuery("limit=abc&offset=x")).isEqualTo(new Paging(0, 20));
        assertThat(Paging.fromQuery("limit=-3&offset=-7")).isEqualTo(new Paging(0, 20));
        assertThat(Paging.fromQuery("offset=40&limit=5")).isEqualTo(new Paging(40, 5));
    }

    @Test
    void numbers_are_read_like_javascripts_parse_int() {
        assertThat(Paging.fromQuery("limit=5abc&offset=%2010")).isEqualTo(new Paging(10, 5));
        assertThat(Paging.fromQuery("limit=99999999999")).isEqualTo(new Paging(0, Integer.MAX_VALUE));
        assertThat(Paging.fromQuery("limit=7&limit=9")).as("first occurrence wins").isEqualTo(new Paging(0, 7));
    }

    @Test
    void next_is_cut_to_what_is_left_and_previous_steps_back_one_limit() {
        Paging.Page first = new Paging(0, 3).page(8, 8);
        assertThat(first).isEqualTo(new Paging.Page(0, 3, new Paging(3, 3), null));
        Paging.Page second = new Paging(3, 3).page(8, 8);
        assertThat(second).isEqualTo(new Paging.Page(3, 6, new Paging(6, 2), new Paging(0, 3)));
        Paging.Page last = new Paging(6, 2).page(8, 8);
        assertThat(last).isEqualTo(new Paging.Page(6, 8, null, new Paging(4, 2)));
        assertThat(new Paging(1, 3).page(8, 8).previous()).as("never before 0").isEqualTo(new Paging(0, 1));
    }

    @Test
    void a_page_past_the_end_is_empty() {
        assertThat(new Paging(50, 5).page(8, 8)).isEqualTo(new Paging.Page(8, 8, null, new Paging(45, 5)));
    }

    @Test
    void following_next_visits_every_index_exactly_once_for_any_count_and_limit() {
        for (int count = 0; count <= 30; count++) {
            for (int limit = 1; limit <= 12; limit++) {
                List<Integer> seen = new ArrayList<>();
                Paging p = new Paging(0, limit);
                while (p != null) {
                    Paging.Page page = p.page(count, count);
                    for (int i = page.from(); i < page.to(); i++) {
                        seen.add(i);
                    }
                    p = page.next();
                }
                assertThat(seen).as("count %d limit %d", count, limit).containsExactlyElementsOf(range(count));
            }
        }
    }

    @Test
    void the_query_puts_offset_first_like_upstream() {
        assertThat(new Paging(20, 20).query()).isEqualTo("?offset=20&limit=20");
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }
}
