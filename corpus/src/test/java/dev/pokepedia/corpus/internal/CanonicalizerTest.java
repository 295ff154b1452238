package dev.pokepedia.corpus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.corpus.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalizerTest {

    private final Canonicalizer canonicalizer = new Canonicalizer();

    private Canonicalizer.Canonical canon(String json) throws IOException {
        return canonicalizer.canonicalize(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void key_order_and_whitespace_do_not_change_the_hash() throws IOException {
        var compact = canon("{\"id\":25,\"name\":\"pikachu\",\"types\":[{\"slot\":1,\"type\":{\"name\":\"electric\",\"url\":\"/api/v2/type/13/\"}}]}");
        var pretty = canon("""
                {
                    "types": [
                        {
                            "type": {"url": "/api/v2/type/13/", "name": "electric"},
                            "slot": 1
                        }
                    ],
                    "name": "pikachu",
                    "id": 25
                }""");
        assertThat(pretty.sha256()).isEqualTo(compact.sha256());
        assertThat(pretty.json()).isEqualTo(compact.json());
    }

    @Test
    void sorted_and_unsorted_input_give_identical_bytes_for_every_kind_of_value() throws IOException {
        // already sorted: the streaming path; unsorted: the tree path; both must write exactly this
        String expected = "{\"a\":1.5,\"b\":-2,\"c\":12345678901234567890,\"d\":true,\"e\":false,\"f\":null,"
                + "\"g\":\"\u00e9\\\"\\\\/\\t\",\"h\":[{\"x\":0.001,\"y\":[]},{}],\"name\":\"pikachu\"}";
        var sorted = canon("{\"a\": 1.5, \"b\": -2, \"c\": 12345678901234567890, \"d\": true, \"e\": false, \"f\": null,"
                + " \"g\": \"\\u00e9\\\"\\\\\\/\\t\", \"h\": [{\"x\": 0.001, \"y\": []}, {}], \"name\": \"pikachu\"}");
        var unsorted = canon("{\"name\": \"pikachu\", \"h\": [{\"y\": [], \"x\": 0.001}, {}], \"g\": \"\u00e9\\\"\\\\/\\t\","
                + " \"f\": null, \"e\": false, \"d\": true, \"c\": 12345678901234567890, \"b\": -2, \"a\": 1.5}");
        assertThat(new String(unsorted.json(), StandardCharsets.UTF_8)).isEqualTo(new String(sorted.json(), StandardCharsets.UTF_8));
        assertThat(unsorted.sha256()).isEqualTo(sorted.sha256());
        assertThat(new String(sorted.json(), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void every_fixture_document_hashes_the_same_with_keys_reversed() throws IOException {
        ObjectMapper reversing = new ObjectMapper();
        for (var e : Fixtures.documents(Fixtures.mini0710()).entrySet()) {
            byte[] reversed = reversing.writerWithDefaultPrettyPrinter().writeValueAsBytes(reverseKeys(e.getValue().tree()));
            var fromFixture = canonicalizer.canonicalize(e.getValue().bytes());
            var fromReversed = canonicalizer.canonicalize(reversed);
            assertThat(fromReversed.sha256()).as("%s", e.getKey()).isEqualTo(fromFixture.sha256());
            assertThat(fromFixture.tree()).as("%s", e.getKey()).isEqualTo(e.getValue().tree());
        }
    }

    @Test
    void name_is_the_top_level_name_string_whatever_the_key_order() throws IOException {
        assertThat(canon("{\"id\":25,\"name\":\"pikachu\"}").name()).isEqualTo("pikachu");
        assertThat(canon("{\"name\":\"pikachu\",\"id\":25}").name()).isEqualTo("pikachu");
        assertThat(canon("{\"a\":{\"name\":\"nested\"},\"b\":1}").name()).isNull();
        assertThat(canon("{\"b\":1,\"a\":{\"name\":\"nested\"}}").name()).isNull();
        assertThat(canon("{\"id\":1,\"name\":{\"en\":\"x\"}}").name()).isNull();
        assertThat(canon("{\"name\":42}").name()).isNull();
        assertThat(canon("[{\"name\":\"in-array\"}]").name()).isNull();
    }

    private static JsonNode reverseKeys(JsonNode node) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            Collections.reverse(keys);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            keys.forEach(k -> out.set(k, reverseKeys(node.get(k))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(reverseKeys(n)));
            return out;
        }
        return node;
    }

    @Test
    void canonical_form_is_minified_with_sorted_keys() throws IOException {
        var c = canon("{ \"b\": 1, \"a\": { \"d\": [1, 2], \"c\": null } }");
        assertThat(new String(c.json(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":{\"c\":null,\"d\":[1,2]},\"b\":1}");
    }

    @Test
    void hash_is_the_sha256_of_the_canonical_json() throws IOException {
        var c = canon("{\"b\":1,\"a\":2}");
        // printf '%s' '{"a":2,"b":1}' | sha256sum
        assertThat(c.sha256()).isEqualTo("d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772");
    }

    @Test
    void hashes_taken_at_once_on_many_threads_stay_correct() throws Exception {
        // every thread hashes its own inputs while the others do too; each result must equal a digest made just for it
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<List<String>>> mismatches = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                mismatches.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < 2_000; i++) {
                        byte[] input = ("thread " + thread + " input " + i).repeat(1 + i % 40).getBytes(StandardCharsets.UTF_8);
                        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(input));
                        if (!Canonicalizer.sha256(input).equals(expected)) {
                            wrong.add(thread + "/" + i);
                        }
                    }
                    return wrong;
                }));
            }
            for (var m : mismatches) {
                assertThat(m.get()).isEmpty();
            }
        }
    }

    @Test
    void content_change_changes_the_hash() throws IOException {
        assertThat(canon("{\"id\":25,\"height\":4}").sha256()).isNotEqualTo(canon("{\"id\":25,\"height\":5}").sha256());
        assertThat(canon("{\"a\":[1,2]}").sha256()).as("array order is content").isNotEqualTo(canon("{\"a\":[2,1]}").sha256());
        assertThat(canon("{\"a\":1}").sha256()).as("number vs string").isNotEqualTo(canon("{\"a\":\"1\"}").sha256());
    }

    @Test
    void nul_escape_is_rejected_because_jsonb_cannot_store_it() {
        assertThatThrownBy(() -> canon("{\"name\":\"pika\\u0000chu\"}")).isInstanceOf(IOException.class).hasMessageContaining("\\u0000");
    }

    @Test
    void escaped_backslash_before_u0000_is_text_and_accepted() throws IOException {
        var c = canon("{\"name\":\"C:\\\\u0000\"}");
        assertThat(c.tree().get("name").asText()).isEqualTo("C:\\u0000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "[1,2] ]"})
    void trailing_garbage_is_rejected(String json) {
        assertThatThrownBy(() -> canon(json)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"pikachu\"", "true", "null"})
    void top_level_scalar_is_rejected(String json) {
        assertThatThrownBy(() -> canon(json)).isInstanceOf(IOException.class);
    }

    @Test
    void top_level_array_is_accepted_like_encounters_documents() throws IOException {
        assertThat(new String(canon(" [ ] ").json(), StandardCharsets.UTF_8)).isEqualTo("[]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{\"a\":1", "{\"a\":1,\"a\":2}", "<html></html>"})
    void empty_truncated_duplicate_key_and_non_json_input_is_rejected(String json) {
        assertThatThrownBy(() -> canon(json)).isInstanceOf(IOException.class);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"id\":2,\"name\":\"ivysaur\"}",          // sorted: the streaming path
            "{\"name\":\"ivysaur\",\"id\":2}"})         // unsorted: the tree path
    void own_id_that_differs_from_the_path_is_a_mismatch_naming_both(String json) throws IOException {
        var c = canon(json);

        assertThat(c.identityMismatch(new dev.pokepedia.corpus.DocumentId("pokemon", "1")))
                .isEqualTo("its own id is 2 but its path says 1 (pokemon/1)");
        assertThat(c.identityMismatch(new dev.pokepedia.corpus.DocumentId("pokemon", "2"))).isNull();
    }

    @Test
    void nested_ids_and_documents_without_an_id_are_not_mismatches() throws IOException {
        var nested = canon("{\"held\":{\"id\":7},\"name\":\"x\"}");
        var encounters = canon("[{\"id\":3}]");

        assertThat(nested.ownId()).isNull();
        assertThat(nested.identityMismatch(new dev.pokepedia.corpus.DocumentId("pokemon", "1"))).isNull();
        assertThat(encounters.identityMismatch(new dev.pokepedia.corpus.DocumentId("pokemon-encounters", "1"))).isNull();
    }

    @Test
    void name_key_must_match_the_documents_name() throws IOException {
        assertThat(canon("{\"name\":\"bulbasaur\"}").identityMismatch(new dev.pokepedia.corpus.DocumentId("pokemon", "ivysaur")))
                .contains("own name is 'bulbasaur'").contains("path says 'ivysaur'");
    }

    @Test
    void byte_order_marks_are_refused_saying_so() {
        byte[] utf8 = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        byte[] utf16 = {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'};

        assertThatThrownBy(() -> canonicalizer.canonicalize(utf8)).hasMessageContaining("UTF-8 (EF BB BF) byte-order mark");
        assertThatThrownBy(() -> canonicalizer.canonicalize(utf16)).hasMessageContaining("UTF-16 byte-order mark");
    }
}
