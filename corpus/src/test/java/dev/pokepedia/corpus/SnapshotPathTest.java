package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotPathTest {

    private static final String TOP = "api-data-2026-07-10/";

    /** A resource document, under a top folder or not; negative ids are keys too. */
    @ParameterizedTest
    @CsvSource({
        TOP + "data/api/v2/pokemon/25/index.json, pokemon, 25",
        "data/api/v2/type/13/index.json, type, 13",
        TOP + "data/api/v2/move-ailment/-1/index.json, move-ailment, -1"})
    void resource_document_is_a_document_of_its_endpoint(String path, String endpoint, String key) {
        assertThat(SnapshotPath.classify(path)).isEqualTo(new SnapshotPath.Document(new DocumentId(endpoint, key)));
    }

    @Test
    void endpoint_index_is_a_list_document() {
        assertThat(SnapshotPath.classify(TOP + "data/api/v2/pokemon/index.json")).isEqualTo(new SnapshotPath.EndpointList("pokemon"));
    }

    @Test
    void api_index_is_the_root_index() {
        assertThat(SnapshotPath.classify(TOP + "data/api/v2/index.json")).isEqualTo(new SnapshotPath.RootIndex());
        assertThat(SnapshotPath.classifyApi("index.json")).isEqualTo(new SnapshotPath.RootIndex());
    }

    @Test
    void meta_index_is_the_singleton_meta_document_not_a_list() {
        assertThat(SnapshotPath.classify(TOP + "data/api/v2/meta/index.json"))
                .isEqualTo(new SnapshotPath.Document(new DocumentId(DocumentId.META, DocumentId.META)));
    }

    @Test
    void pokemon_encounters_are_their_own_resource_type() {
        assertThat(SnapshotPath.classify(TOP + "data/api/v2/pokemon/25/encounters/index.json"))
                .isEqualTo(new SnapshotPath.Document(new DocumentId(DocumentId.ENCOUNTERS, "25")));
    }

    @Test
    void schema_files_keep_their_path_below_schema_v2() {
        assertThat(SnapshotPath.classify(TOP + "data/schema/v2/pokemon/$id/index.json"))
                .isEqualTo(new SnapshotPath.Schema("/schema/v2/pokemon/$id/index.json"));
        assertThat(SnapshotPath.classify(TOP + "data/schema/v2/named_api_resource.json"))
                .isEqualTo(new SnapshotPath.Schema("/schema/v2/named_api_resource.json"));
    }

    @Test
    void files_outside_the_data_folders_are_unknown() {
        assertThat(SnapshotPath.classify(TOP + "README.md")).isInstanceOf(SnapshotPath.Unknown.class);
        assertThat(SnapshotPath.classify(TOP + "updater/cmd.py")).isInstanceOf(SnapshotPath.Unknown.class);
    }

    @Test
    void data_folder_is_matched_as_whole_path_segments_only() {
        assertThat(SnapshotPath.classify(TOP + "mydata/api/v2/pokemon/25/index.json")).isInstanceOf(SnapshotPath.Unknown.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "pokemon/25/extra/index.json",   // unknown sub-document
            "pokemon/25/extra/foo.json",     // not an index.json
            "README.txt",                    // not an index.json
            "Pokemon/25/index.json",         // upper case endpoint
            "pokemon/Pika_chu/index.json",   // key with odd characters
            "pokemon/25/encounters/x/index.json", // too deep
            "type/13/encounters/index.json", // encounters only exist for pokemon
    })
    void unexpected_layouts_inside_the_api_folder_are_unknown(String rel) {
        assertThat(SnapshotPath.classifyApi(rel)).isInstanceOf(SnapshotPath.Unknown.class);
        assertThat(((SnapshotPath.Unknown) SnapshotPath.classifyApi(rel)).reason()).isNotBlank();
    }

    @Test
    void plain_relative_paths_are_not_hostile() {
        assertThat(SnapshotPath.hostility(TOP + "data/api/v2/pokemon/25/index.json")).isNull();
        assertThat(SnapshotPath.hostility(TOP + "data/schema/v2/pokemon/$id/index.json")).isNull();
        assertThat(SnapshotPath.hostility("./" + TOP + "data/api/v2/move-ailment/-1/index.json")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", TOP + "data/../../outside/index.json", TOP + "data/api/v2/pokemon/25/.."})
    void parent_segments_are_hostile(String path) {
        assertThat(SnapshotPath.hostility(path)).contains("..");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "/" + TOP + "data/api/v2/pokemon/25/index.json", "\\windows\\system32", "C:/x/index.json"})
    void absolute_paths_are_hostile(String path) {
        assertThat(SnapshotPath.hostility(path)).isEqualTo("absolute path");
    }

    @ParameterizedTest
    @ValueSource(strings = {TOP + "data/api/v2/pokemon/2 5/index.json", TOP + "data/api/v2/pokémon/25/index.json",
            TOP + "data/api/v2/pokemon/25;rm -rf/index.json", TOP + "data\\api/v2/index.json", TOP + "data/api/v2/poke\u0000mon/index.json"})
    void odd_characters_are_hostile_and_named(String path) {
        assertThat(SnapshotPath.hostility(path)).startsWith("unexpected characters in path segment");
    }
}
