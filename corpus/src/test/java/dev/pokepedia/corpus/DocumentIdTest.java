package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentIdTest {

    @Test
    void resource_reference_names_its_endpoint_and_id() {
        assertThat(DocumentId.fromReference("/api/v2/type/13/")).isEqualTo(new DocumentId("type", "13"));
    }

    @Test
    void reference_by_name_keeps_the_name_as_key() {
        assertThat(DocumentId.fromReference("/api/v2/pokemon/pikachu/")).isEqualTo(new DocumentId("pokemon", "pikachu"));
    }

    @Test
    void negative_ids_are_references() {
        assertThat(DocumentId.fromReference("/api/v2/move-ailment/-1/")).isEqualTo(new DocumentId("move-ailment", "-1"));
    }

    @Test
    void encounters_reference_with_or_without_slash_points_at_the_encounters_document() {
        assertThat(DocumentId.fromReference("/api/v2/pokemon/25/encounters")).isEqualTo(new DocumentId(DocumentId.ENCOUNTERS, "25"));
        assertThat(DocumentId.fromReference("/api/v2/pokemon/25/encounters/")).isEqualTo(new DocumentId(DocumentId.ENCOUNTERS, "25"));
    }

    @Test
    void api_path_of_resources_and_encounters_reads_back_as_the_same_id() {
        for (DocumentId id : new DocumentId[] {new DocumentId("type", "13"), new DocumentId("move-ailment", "-1"),
                new DocumentId(DocumentId.ENCOUNTERS, "25")}) {
            assertThat(DocumentId.fromReference(id.apiPath())).as(id.apiPath()).isEqualTo(id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/v2/type/",                          // a list, not a document
            "/api/v2/",                               // the root index
            "https://pokeapi.co/api/v2/type/13/",     // absolute URL
            "/api/v2/type/13/extra/",                 // unknown sub-document
            "/api/v2/../v2/type/13/",                 // dot segments
            "/api/v2/Type/13/",                       // upper case endpoint
            "/api/v2/type/1 3/",                      // odd characters
            "/api/v1/type/13/",                       // other API version
            "https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon/25.png",
    })
    void anything_else_is_not_a_document_reference(String ref) {
        assertThat(DocumentId.fromReference(ref)).isNull();
    }

    @Test
    void ids_order_by_type_then_key() {
        assertThat(new DocumentId("move", "84")).isLessThan(new DocumentId("pokemon", "1"));
        assertThat(new DocumentId("pokemon", "1")).isLessThan(new DocumentId("pokemon", "2"));
    }
}
