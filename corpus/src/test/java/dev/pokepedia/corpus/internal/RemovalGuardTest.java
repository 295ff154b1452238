package dev.pokepedia.corpus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.corpus.DocumentId;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RemovalGuardTest {

    private static List<DocumentId> ids(String type, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new DocumentId(type, Integer.toString(i))).toList();
    }

    private final RemovalGuard guard = new RemovalGuard(0.05);

    @Test
    void a_few_removals_from_a_complete_source_go_ahead() {
        var evidence = new RemovalGuard.Evidence(Map.of("pokemon", 97), Map.of("pokemon", 97L), Map.of("pokemon", 100L),
                ids("pokemon", 3));

        assertThat(guard.objections(evidence)).isEmpty();
    }

    @Test
    void nothing_to_remove_never_objects_even_to_a_short_source() {
        var evidence = new RemovalGuard.Evidence(Map.of("pokemon", 100), Map.of("pokemon", 10L), Map.of("pokemon", 10L), List.of());

        assertThat(guard.objections(evidence)).isEmpty();
    }

    @Test
    void more_than_the_share_objects_with_the_counts() {
        var evidence = new RemovalGuard.Evidence(Map.of("pokemon", 94), Map.of("pokemon", 94L), Map.of("pokemon", 100L),
                ids("pokemon", 6));

        assertThat(guard.objections(evidence)).singleElement().asString()
                .contains("6 of 100 stored documents (6.0 %)").contains("5.0 % limit");
    }

    @Test
    void a_source_short_of_its_own_list_count_objects() {
        var evidence = new RemovalGuard.Evidence(Map.of("pokemon", 100, "type", 20), Map.of("pokemon", 99L, "type", 20L),
                Map.of("pokemon", 100L, "type", 20L), ids("pokemon", 1));

        assertThat(guard.objections(evidence)).singleElement().asString()
                .isEqualTo("the source's own list says 100 'pokemon' documents but only 99 were read");
    }

    @Test
    void a_vanished_endpoint_objects_even_when_small() {
        var evidence = new RemovalGuard.Evidence(Map.of("pokemon", 1000), Map.of("pokemon", 1000L),
                Map.of("pokemon", 1000L, "gender", 3L), ids("gender", 3));

        assertThat(guard.objections(evidence)).singleElement().asString()
                .isEqualTo("every stored 'gender' document (3) would be removed: the source has none");
    }

    @Test
    void share_outside_zero_to_one_is_refused() {
        assertThatThrownBy(() -> new RemovalGuard(1.5)).hasMessageContaining("between 0 and 1");
    }
}
