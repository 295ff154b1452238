package dev.pokepedia.snapshotserver.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRewriterTest {

    private final JsonRewriter rewriter = new JsonRewriter("http://127.0.0.1:9999");

    private String rewrite(String json) throws IOException {
        return new String(rewriter.rewrite(json.getBytes(StandardCharsets.UTF_8)).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void minifies_and_keeps_upstream_key_order() throws IOException {
        assertThat(rewrite("{\n    \"z\": 1,\n    \"a\": [\n        true,\n        null\n    ]\n}")).isEqualTo("{\"z\":1,\"a\":[true,null]}");
    }

    @Test
    void relative_api_references_become_absolute_urls_of_the_server() throws IOException {
        assertThat(rewrite("{\"type\": {\"name\": \"electric\", \"url\": \"/api/v2/type/13/\"}, \"e\": \"/api/v2/pokemon/25/encounters\"}"))
                .isEqualTo("{\"type\":{\"name\":\"electric\",\"url\":\"http://127.0.0.1:9999/api/v2/type/13/\"},"
                        + "\"e\":\"http://127.0.0.1:9999/api/v2/pokemon/25/encounters\"}");
    }

    @Test
    void media_urls_texts_and_field_names_are_left_alone() throws IOException {
        String in = "{\"/api/v2/\": \"see /api/v2/type/ for more\", "
                + "\"front\": \"https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon/25.png\"}";
        assertThat(rewrite(in)).isEqualTo("{\"/api/v2/\":\"see /api/v2/type/ for more\","
                + "\"front\":\"https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon/25.png\"}");
    }

    @Test
    void numbers_keep_their_exact_text() throws IOException {
        assertThat(rewrite("[1.50, 1e5, -0.0, 12345678901234567890123, 0.1]")).isEqualTo("[1.50,1e5,-0.0,12345678901234567890123,0.1]");
    }

    @Test
    void ascii_escapes_of_the_snapshot_come_out_as_utf8() throws IOException {
        assertThat(rewrite("{\"name\": \"Pok\\u00e9mon \\\"quoted\\\"\"}")).isEqualTo("{\"name\":\"Pokémon \\\"quoted\\\"\"}");
    }

    @Test
    void the_top_level_name_is_captured_but_not_a_nested_one() throws IOException {
        assertThat(rewriter.rewrite("{\"species\": {\"name\": \"x\"}, \"name\": \"pikachu\"}".getBytes(StandardCharsets.UTF_8)).name())
                .isEqualTo("pikachu");
        assertThat(rewriter.rewrite("{\"species\": {\"name\": \"x\"}}".getBytes(StandardCharsets.UTF_8)).name()).isNull();
        assertThat(rewriter.rewrite("[\"name\"]".getBytes(StandardCharsets.UTF_8)).name()).isNull();
    }

    @Test
    void malformed_or_trailing_content_is_rejected() {
        assertThatThrownBy(() -> rewrite("{\"a\": ")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> rewrite("{} {}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> rewrite("")).isInstanceOf(IOException.class);
    }
}
