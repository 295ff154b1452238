package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pokédex queries on the projections: filters, sort, paging, detail, and every kind of bad parameter. */
class PokedexApiIT {

    @RegisterExtension
    static MirroredServer mirror = new MirroredServer("pokedex");

    /** Pokémon of the snapshot with their types and total base stat, computed from the raw documents. */
    private static Map<Integer, JsonNode> pokemonDocs() {
        Map<Integer, JsonNode> out = new TreeMap<>();
        mirror.snapshot().forEach((k, v) -> {
            String[] p = k.split("/");
            if (p.length == 2 && p[0].equals("pokemon")) {
                out.put(Integer.parseInt(p[1]), v);
            }
        });
        return out;
    }

    private static int total(JsonNode doc) {
        int t = 0;
        for (JsonNode s : doc.path("stats")) {
            t += s.path("base_stat").asInt();
        }
        return t;
    }

    private static boolean hasType(JsonNode doc, String type) {
        for (JsonNode t : doc.path("types")) {
            if (t.path("type").path("name").asText().equals(type)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void filtersByTypeAndSortsByTotalBaseStatDescending() {
        List<Integer> expected = pokemonDocs().entrySet().stream().filter(e -> hasType(e.getValue(), "fire"))
                .sorted((a, b) -> total(b.getValue()) != total(a.getValue()) ? total(b.getValue()) - total(a.getValue()) : a.getKey() - b.getKey())
                .map(Map.Entry::getKey).toList();
        assertThat(expected).isNotEmpty();
        JsonNode page = Http.json(mirror.http().get("/pokedex/pokemon?type=fire&sort=-total_base_stat"));
        assertThat(page.path("count").asInt()).isEqualTo(expected.size());
        List<Integer> ids = new ArrayList<>();
        page.path("results").forEach(p -> ids.add(p.path("id").asInt()));
        assertThat(ids).isEqualTo(expected);
        JsonNode first = page.path("results").get(0);
        assertThat(first.path("total_base_stat").asInt()).isEqualTo(total(pokemonDocs().get(expected.getFirst())));
        assertThat(first.path("types").toString()).contains("fire");
        assertThat(first.path("url").asText()).isEqualTo(mirror.base() + "/api/v2/pokemon/" + expected.getFirst() + "/");
    }

    @Test
    void pokedexAnswersAreCompactJsonLikeEveryOtherRoute() {
        for (String path : List.of("/pokedex/pokemon?limit=3", "/pokedex/pokemon/25", "/pokedex/species?limit=2", "/pokedex/types")) {
            String body = new String(mirror.http().get(path).body(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(body).as(path).startsWith("{").doesNotContain("\" : ").doesNotContain("\" :");
        }
    }

    @Test
    void filtersByGenerationAndPagesWithLinksThatKeepTheFilters() {
        JsonNode p1 = Http.json(mirror.http().get("/pokedex/pokemon?generation=1&limit=2&sort=name"));
        assertThat(p1.path("results")).hasSize(2);
        p1.path("results").forEach(p -> assertThat(p.path("generation").asInt()).isEqualTo(1));
        assertThat(p1.path("results").get(0).path("name").asText()).isLessThan(p1.path("results").get(1).path("name").asText());
        String next = p1.path("next").asText();
        assertThat(next).startsWith(mirror.base() + "/pokedex/pokemon/?offset=2&limit=2").contains("generation=1").contains("sort=name");
        JsonNode p2 = Http.json(mirror.http().get(next.substring(mirror.base().length())));
        assertThat(p2.path("offset").asInt()).isEqualTo(2);
        assertThat(p2.path("previous").asText()).contains("offset=0&limit=2");
    }

    @Test
    void detailHasSpeciesEvolutionAndMirroredCries() {
        JsonNode p = Http.json(mirror.http().get("/pokedex/pokemon/pikachu"));
        assertThat(p.path("id").asInt()).isEqualTo(25);
        assertThat(p.path("species").path("genus").asText()).isEqualTo("Mouse Pokémon");
        assertThat(p.path("evolution_chain").toString()).contains("raichu");
        assertThat(p.path("cries").path("latest").asText()).isEqualTo(mirror.base() + "/storage/v1/object/public/pokedex-cries/cries/pokemon/latest/25.ogg");
        assertThat(p.path("cries").path("legacy").asText()).isEqualTo(mirror.base() + "/storage/v1/object/public/pokedex-cries/cries/pokemon/legacy/25.ogg");
        assertThat(mirror.http().get(p.path("cries").path("latest").asText().substring(mirror.base().length())).statusCode()).isEqualTo(200);
        assertThat(Http.json(mirror.http().get("/pokedex/pokemon/25"))).isEqualTo(p);
        // no front PNG of pikachu is mirrored (the fixture, like the npm sprite package, has none): the grid picture
        // falls back to the mirrored animated GIF
        assertThat(p.path("sprite").asText())
                .isEqualTo(mirror.base() + "/storage/v1/object/public/pokedex-sprites/sprites/pokemon/versions/generation-v/black-white/animated/25.gif");
        JsonNode charizard = Http.json(mirror.http().get("/pokedex/pokemon/charizard"));
        assertThat(charizard.path("sprite").asText()).isEqualTo(mirror.base() + "/storage/v1/object/public/pokedex-sprites/sprites/pokemon/other/dream-world/6.svg");
        // nothing of charmander is mirrored: its picture stays upstream
        JsonNode charmander = Http.json(mirror.http().get("/pokedex/pokemon/charmander"));
        assertThat(charmander.path("sprite").asText()).startsWith("https://raw.githubusercontent.com/PokeAPI/sprites/");
        assertThat(mirror.http().get("/pokedex/pokemon/99999").statusCode()).isEqualTo(404);
    }

    @Test
    void speciesMovesAndTypesLookups() {
        JsonNode legendary = Http.json(mirror.http().get("/pokedex/species?is_legendary=false&generation=1&sort=-capture_rate"));
        assertThat(legendary.path("count").asInt()).isPositive();
        JsonNode move = Http.json(mirror.http().get("/pokedex/moves/tackle"));
        assertThat(move.path("id").asInt()).isEqualTo(33);
        assertThat(move.path("damage_class").asText()).isEqualTo("physical");
        JsonNode fire = Http.json(mirror.http().get("/pokedex/types/fire"));
        assertThat(fire.path("double_damage_to").toString()).contains("grass");
        assertThat(fire.path("pokemon").toString()).contains("charmander");
        JsonNode types = Http.json(mirror.http().get("/pokedex/types?sort=name&limit=100"));
        assertThat(types.path("count").asInt()).isEqualTo(types.path("results").size());
    }

    @Test
    void badParametersAre400sNamingTheParameterAndTouchNothing() throws Exception {
        String before = tableFingerprint();
        mirror.assertBadParameter("/pokedex/pokemon?sort=password", "sort");
        mirror.assertBadParameter("/pokedex/pokemon?sort=-total_base_stat;DROP%20TABLE%20pokepedia_pokemon", "sort");
        mirror.assertBadParameter("/pokedex/pokemon?type=" + URLEncoder.encode("fire' OR '1'='1", StandardCharsets.UTF_8), "type");
        mirror.assertBadParameter("/pokedex/pokemon?type=firee", "type");
        mirror.assertBadParameter("/pokedex/pokemon?name=" + URLEncoder.encode("pika%'; DELETE FROM pokepedia_pokemon; --", StandardCharsets.UTF_8), "name");
        mirror.assertBadParameter("/pokedex/pokemon?generation=one", "generation");
        mirror.assertBadParameter("/pokedex/pokemon?generation=0", "generation");
        mirror.assertBadParameter("/pokedex/pokemon?limit=201", "limit");
        mirror.assertBadParameter("/pokedex/pokemon?limit=1000000000000", "limit");
        mirror.assertBadParameter("/pokedex/pokemon?offset=-5", "offset");
        mirror.assertBadParameter("/pokedex/pokemon?is_default=maybe", "is_default");
        mirror.assertBadParameter("/pokedex/pokemon?tpye=fire", "tpye");
        mirror.assertBadParameter("/pokedex/moves?damage_class=magic", "damage_class");
        mirror.assertBadParameter("/pokedex/pokemon?type=fire&type=water", "type");
        assertThat(tableFingerprint()).isEqualTo(before);
        assertThat(mirror.http().get("/pokedex/berries").statusCode()).isEqualTo(404);
    }

    private static String tableFingerprint() throws Exception {
        try (Connection c = mirror.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pokepedia_pokemon) || '/' || (SELECT md5(string_agg(name, ',' ORDER BY id)) FROM pokepedia_pokemon)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
