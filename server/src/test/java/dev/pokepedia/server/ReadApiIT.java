package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PokeAPI-compatible read API on port 0 against real Postgres holding the mini corpus and its mirrored media. */
class ReadApiIT {

    @RegisterExtension
    static MirroredServer mirror = new MirroredServer("readapi");

    @Test
    void documentEqualsTheSnapshotApartFromRewrittenUrls() throws Exception {
        Set<String> stored = storedObjects();
        for (String path : new String[] {"pokemon/25", "pokemon-species/25", "type/10", "move/33", "evolution-chain/10"}) {
            HttpResponse<byte[]> r = mirror.http().get("/api/v2/" + path + "/");
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            JsonNode expected = rewrite(mirror.snapshot().get(path).deepCopy(), stored);
            assertThat(Http.json(r)).as(path).isEqualTo(expected);
        }
    }

    @Test
    void documentKeysAreSortedLikeTheSnapshotFiles() {
        JsonNode pikachu = Http.json(mirror.http().get("/api/v2/pokemon/25/"));
        java.util.List<String> keys = new java.util.ArrayList<>();
        pikachu.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isSorted().contains("abilities", "base_experience", "cries", "weight");
    }

    @Test
    void storedMediaPointsAtTheMirrorAndMissingMediaStaysUpstream() {
        JsonNode pikachu = Http.json(mirror.http().get("/api/v2/pokemon/25/"));
        assertThat(pikachu.path("cries").path("latest").asText()).isEqualTo(mirror.base() + "/storage/v1/object/public/pokedex-cries/cries/pokemon/latest/25.ogg");
        // the mini sprite fixture has no front_default PNG of pikachu: that reference keeps its upstream URL
        assertThat(pikachu.path("sprites").path("front_default").asText()).startsWith("https://raw.githubusercontent.com/PokeAPI/sprites/");
        assertThat(pikachu.path("species").path("url").asText()).isEqualTo(mirror.base() + "/api/v2/pokemon-species/25/");
    }

    @Test
    void findsDocumentsByNameWithOrWithoutTrailingSlashInAnyCase() {
        JsonNode byId = Http.json(mirror.http().get("/api/v2/pokemon/25/"));
        assertThat(Http.json(mirror.http().get("/api/v2/pokemon/pikachu/"))).isEqualTo(byId);
        assertThat(Http.json(mirror.http().get("/api/v2/pokemon/pikachu"))).isEqualTo(byId);
        assertThat(Http.json(mirror.http().get("/api/v2/Pokemon/PIKACHU/"))).isEqualTo(byId);
    }

    @Test
    void listsPageLikeUpstreamWithAbsoluteLinks() {
        long pokemon = mirror.snapshot().keySet().stream().filter(k -> k.startsWith("pokemon/") && k.split("/").length == 2).count();
        JsonNode first = Http.json(mirror.http().get("/api/v2/pokemon/?limit=3"));
        assertThat(first.path("count").asLong()).isEqualTo(pokemon);
        assertThat(first.path("previous").isNull()).isTrue();
        assertThat(first.path("next").asText()).isEqualTo(mirror.base() + "/api/v2/pokemon/?offset=3&limit=3");
        assertThat(first.path("results")).hasSize(3);
        assertThat(first.path("results").get(0).path("name").asText()).isEqualTo("bulbasaur");
        assertThat(first.path("results").get(0).path("url").asText()).isEqualTo(mirror.base() + "/api/v2/pokemon/1/");
        JsonNode last = Http.json(mirror.http().get("/api/v2/pokemon/?offset=6&limit=3"));
        assertThat(last.path("previous").asText()).isEqualTo(mirror.base() + "/api/v2/pokemon/?offset=3&limit=3");
        assertThat(last.path("next").isNull()).isTrue();
        assertThat(last.path("results")).hasSize((int) pokemon - 6);
        // resources without names list their url only, like upstream
        JsonNode chains = Http.json(mirror.http().get("/api/v2/evolution-chain/"));
        assertThat(chains.path("results").get(0).has("name")).isFalse();
        assertThat(chains.path("results").get(0).path("url").asText()).startsWith(mirror.base() + "/api/v2/evolution-chain/");
    }

    @Test
    void rootIndexNamesEveryEndpointWithItsListUrl() {
        JsonNode root = Http.json(mirror.http().get("/api/v2/"));
        assertThat(root.path("pokemon").asText()).isEqualTo(mirror.base() + "/api/v2/pokemon/");
        assertThat(root.path("type").asText()).isEqualTo(mirror.base() + "/api/v2/type/");
        assertThat(root.has("pokemon-encounters")).isFalse();
    }

    @Test
    void servesEncountersByIdOrName() {
        HttpResponse<byte[]> r = mirror.http().get("/api/v2/pokemon/25/encounters");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r)).isEqualTo(rewrite(mirror.snapshot().get("pokemon/25/encounters").deepCopy(), Set.of()));
        assertThat(Http.json(mirror.http().get("/api/v2/pokemon/pikachu/encounters"))).isEqualTo(Http.json(r));
    }

    @Test
    void unknownEndpointsAndIdsAre404JsonLikeUpstream() {
        for (String p : new String[] {"/api/v2/pokemon/99999/", "/api/v2/nope/", "/api/v2/pokemon/missingno/", "/api/v2/pokemon-encounters/25/",
                "/api/v2/type/10/encounters", "/nothing-here"}) {
            HttpResponse<byte[]> r = mirror.http().get(p);
            assertThat(r.statusCode()).as(p).isEqualTo(404);
            assertThat(Http.json(r).path("detail").asText()).as(p).isEqualTo("Not found.");
        }
    }

    @ParameterizedTest
    @CsvSource({"/api/v2/pokemon/?offset=-1, offset", "/api/v2/pokemon/?limit=100001, limit",
        "/api/v2/pokemon/?limit=99999999999999, limit", "/api/v2/pokemon/?limit=abc, limit", "/api/v2/pokemon/?limit=0, limit",
        "/api/v2/pokemon/?limti=5, limti"})
    void badPagingParametersAre400NamingTheParameter(String path, String parameter) {
        mirror.assertBadParameter(path, parameter);
    }

    @Test
    void aHugeOffsetSaysHowLargeItMayBeNotThatItIsNoNumber() {
        for (String v : new String[] {"9223372036854775807", "99999999999999999999999", "10000001"}) {
            HttpResponse<byte[]> r = mirror.http().get("/api/v2/pokemon/?offset=" + v);
            assertThat(r.statusCode()).as(v).isEqualTo(400);
            assertThat(Http.json(r).path("parameter").asText()).isEqualTo("offset");
            assertThat(Http.json(r).path("detail").asText()).as(v).startsWith("offset must be at most 10000000: got ")
                    .doesNotContain("whole number");
        }
        assertThat(Http.json(mirror.http().get("/api/v2/pokemon/?limit=0")).path("detail").asText()).startsWith("limit must be at least 1: got 0");
        assertThat(Http.json(mirror.http().get("/api/v2/pokemon/?offset=1e3")).path("detail").asText()).contains("must be a whole number");
    }

    @Test
    void etagRevalidatesTo304AndGzipHasItsOwnTag() throws Exception {
        HttpResponse<byte[]> plain = mirror.http().get("/api/v2/pokemon/25/");
        String etag = plain.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("^\"[0-9a-f]{32}\"$");
        HttpResponse<byte[]> again = mirror.http().get("/api/v2/pokemon/25/", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        HttpResponse<byte[]> gz = mirror.http().get("/api/v2/pokemon/25/", "Accept-Encoding", "gzip");
        assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gz.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        String gzTag = gz.headers().firstValue("ETag").orElseThrow();
        assertThat(gzTag).isNotEqualTo(etag);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
        assertThat(mirror.http().get("/api/v2/pokemon/25/", "Accept-Encoding", "gzip", "If-None-Match", gzTag).statusCode()).isEqualTo(304);
        // lists get tags too
        String listTag = mirror.http().get("/api/v2/pokemon/").headers().firstValue("ETag").orElseThrow();
        assertThat(mirror.http().get("/api/v2/pokemon/", "If-None-Match", listTag).statusCode()).isEqualTo(304);
    }

    @Test
    void corsAllowsAnyOriginForGetAndAnswersPreflight() {
        HttpResponse<byte[]> r = mirror.http().get("/api/v2/pokemon/25/", "Origin", "https://app.example");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        HttpResponse<byte[]> pre = mirror.http().send("OPTIONS", "/api/v2/pokemon/25/", null, "Origin", "https://app.example",
                "Access-Control-Request-Method", "GET");
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("GET");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).doesNotContain("POST");
    }

    @Test
    void headAnswersWithoutABody() {
        HttpResponse<byte[]> r = mirror.http().send("HEAD", "/api/v2/pokemon/25/", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("ETag")).isPresent();
    }

    @Test
    void otherMethodsAreRefused() {
        HttpResponse<byte[]> r = mirror.http().send("POST", "/api/v2/pokemon/25/", "x=1");
        assertThat(r.statusCode()).isIn(404, 405);
        assertThat(Http.json(r).path("detail").asText()).isNotEmpty();
    }

    @Test
    void aChangedDocumentIsServedFreshWithinTheResponseCacheTime() throws Exception {
        assertThat(Http.json(mirror.http().get("/api/v2/berry-flavor/1/")).path("name").asText()).isEqualTo("spicy");
        try (Connection c = mirror.database().connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE pokeapi_resources SET data = jsonb_set(data, '{name}', '\"fiery\"'), sha256 = 'changed' "
                    + "WHERE resource_type = 'berry-flavor' AND resource_key = '1'");
        }
        try {
            // the default micro-cache may answer from the previous second; after that the new version is served
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> Http.json(mirror.http().get("/api/v2/berry-flavor/1/")).path("name").asText().equals("fiery"));
        } finally {
            try (Connection c = mirror.database().connection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE pokeapi_resources SET data = jsonb_set(data, '{name}', '\"spicy\"') "
                        + "WHERE resource_type = 'berry-flavor' AND resource_key = '1'");
            }
        }
    }

    private static Set<String> storedObjects() throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = mirror.database().connection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT bucket || '/' || path FROM pokepedia_assets WHERE status = 'stored'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    /** The expected rewrite, written independently: /api/v2/ strings get this server's base, stored media its storage URL. */
    private static JsonNode rewrite(JsonNode node, Set<String> stored) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(rewrite(e.getValue(), stored));
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, rewrite(a.get(i), stored));
            }
            return a;
        }
        if (node instanceof TextNode t) {
            String s = t.asText();
            if (s.startsWith("/api/v2/")) {
                return TextNode.valueOf(mirror.base() + s);
            }
            for (String repo : new String[] {"sprites", "cries"}) {
                String prefix = "https://raw.githubusercontent.com/PokeAPI/" + repo + "/";
                if (s.startsWith(prefix)) {
                    String afterBranch = s.substring(s.indexOf('/', prefix.length()) + 1);
                    String key = "pokedex-" + repo + "/" + afterBranch;
                    if (stored.contains(key)) {
                        return TextNode.valueOf(mirror.base() + "/storage/v1/object/public/" + key);
                    }
                }
            }
        }
        return node;
    }
}
