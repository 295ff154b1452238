package dev.pokepedia.snapshotserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.corpus.SnapshotSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mini 2026-07-10 snapshot served on an ephemeral port, checked against the archive's own files. */
class SnapshotServerIT {

    private static SnapshotServer server;
    private static Minis.Snapshot snapshot;
    /** http://127.0.0.1:PORT, no trailing slash: what relative references get in front. */
    private static String base;

    @BeforeAll
    static void start() {
        snapshot = Minis.read(Minis.path(Minis.MINI_0710));
        server = SnapshotServer.start(new SnapshotSource.Archive(Minis.path(Minis.MINI_0710)), ServerOptions.defaults());
        base = server.baseUri().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static URI api(String relative) {
        return server.apiRoot().resolve(relative);
    }

    private static JsonNode absolute(JsonNode upstream) {
        return Minis.absolute(upstream, base);
    }

    @Test
    void binds_loopback_on_an_ephemeral_port_and_counts_every_document() {
        assertThat(server.baseUri().toString()).matches("http://127\\.0\\.0\\.1:\\d+/");
        assertThat(server.port()).isPositive();
        assertThat(server.apiRoot()).isEqualTo(URI.create(base + "/api/v2/"));
        assertThat(server.documentCount()).isEqualTo(snapshot.documents().size());
        assertThat(server.problems()).isEmpty();
    }

    @Test
    void root_index_lists_every_endpoint_of_the_snapshot_with_absolute_urls_of_this_server() {
        HttpResponse<byte[]> r = Http.get(server.apiRoot());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode root = Http.json(r);
        assertThat(root).isEqualTo(absolute(snapshot.root()));
        assertThat(fieldNames(root)).containsExactlyElementsOf(fieldNames(snapshot.root()));
        root.fields().forEachRemaining(e -> assertThat(e.getValue().asText()).isEqualTo(base + "/api/v2/" + e.getKey() + "/"));
    }

    @Test
    void a_list_page_has_the_upstream_count_the_requested_slice_and_absolute_next_and_previous_links() {
        JsonNode upstream = snapshot.lists().get("pokemon");
        JsonNode page = Http.json(Http.get(api("pokemon/?limit=3&offset=3")));
        assertThat(fieldNames(page)).containsExactly("count", "next", "previous", "results");
        assertThat(page.get("count").intValue()).isEqualTo(upstream.get("count").intValue()).isEqualTo(8);
        List<JsonNode> expected = new ArrayList<>();
        for (int i = 3; i < 6; i++) {
            expected.add(absolute(upstream.get("results").get(i)));
        }
        assertThat(page.get("results")).containsExactlyElementsOf(expected);
        // like PokeAPI's production function: offset first, next's limit cut to what is left
        assertThat(page.get("next").asText()).isEqualTo(base + "/api/v2/pokemon/?offset=6&limit=2");
        assertThat(page.get("previous").asText()).isEqualTo(base + "/api/v2/pokemon/?offset=0&limit=3");
    }

    @Test
    void a_list_without_paging_parameters_starts_at_offset_zero_with_at_most_twenty_results() {
        JsonNode upstream = snapshot.lists().get("pokemon-species");
        JsonNode page = Http.json(Http.get(api("pokemon-species/")));
        assertThat(page.get("count").intValue()).isEqualTo(upstream.get("count").intValue());
        assertThat(page.get("results")).containsExactlyElementsOf(absolute(upstream.get("results")));
        assertThat(page.get("next").isNull()).isTrue();
        assertThat(page.get("previous").isNull()).isTrue();
    }

    @Test
    void a_page_past_the_end_is_empty_with_only_a_previous_link() {
        JsonNode page = Http.json(Http.get(api("type/?offset=50&limit=5")));
        assertThat(page.get("count").intValue()).isEqualTo(7);
        assertThat(page.get("results")).isEmpty();
        assertThat(page.get("next").isNull()).isTrue();
        assertThat(page.get("previous").asText()).isEqualTo(base + "/api/v2/type/?offset=45&limit=5");
    }

    @Test
    void walking_next_from_the_first_page_visits_every_result_of_every_endpoint_exactly_once() {
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, JsonNode> list : snapshot.lists().entrySet()) {
            List<JsonNode> seen = new ArrayList<>();
            URI next = api(list.getKey() + "/?limit=2");
            int pages = 0;
            int count = list.getValue().get("count").intValue();
            while (next != null && pages++ <= count + 1) {
                JsonNode page = Http.json(Http.get(next));
                soft.assertThat(page.get("count").intValue()).as(list.getKey()).isEqualTo(count);
                page.get("results").forEach(seen::add);
                next = page.get("next").isNull() ? null : URI.create(page.get("next").asText());
            }
            soft.assertThat(next).as(list.getKey() + ": walk ended").isNull();
            soft.assertThat(seen).as(list.getKey()).hasSize(count)
                    .containsExactlyElementsOf(absolute(list.getValue().get("results")))
                    .doesNotHaveDuplicates();
        }
        soft.assertAll();
    }

    @Test
    void list_items_keep_the_upstream_shape_so_unnamed_endpoints_have_only_a_url() {
        JsonNode chains = Http.json(Http.get(api("evolution-chain/")));
        chains.get("results").forEach(item -> assertThat(fieldNames(item)).containsExactly("url"));
        JsonNode pokemon = Http.json(Http.get(api("pokemon/")));
        pokemon.get("results").forEach(item -> assertThat(fieldNames(item)).containsExactly("name", "url"));
    }

    @Test
    void every_document_by_id_equals_the_snapshot_document_with_references_made_absolute() {
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, JsonNode> doc : snapshot.documents().entrySet()) {
            String path = doc.getKey().endsWith("/encounters") ? doc.getKey() : doc.getKey() + "/";
            HttpResponse<byte[]> r = Http.get(api(path));
            soft.assertThat(r.statusCode()).as(path).isEqualTo(200);
            if (r.statusCode() == 200) {
                soft.assertThat(Http.json(r)).as(path).isEqualTo(absolute(doc.getValue()));
            }
        }
        soft.assertAll();
    }

    @Test
    void documents_are_minified_and_reference_this_server_while_media_urls_stay_untouched() {
        String body = new String(Http.get(api("pokemon/25/")).body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body).doesNotContain("\n").doesNotContain("\": ")
                .doesNotContain("\"/api/v2/")
                .contains("\"url\":\"" + base + "/api/v2/move/84/\"")
                .contains("\"location_area_encounters\":\"" + base + "/api/v2/pokemon/25/encounters\"");
        JsonNode upstream = snapshot.documents().get("pokemon/25");
        JsonNode served = Minis.json(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(served.at("/sprites/front_default").asText())
                .isEqualTo(upstream.at("/sprites/front_default").asText())
                .startsWith("https://raw.githubusercontent.com/PokeAPI/sprites/");
        assertThat(served.at("/cries/latest").asText()).isEqualTo(upstream.at("/cries/latest").asText());
    }

    @Test
    void a_document_by_name_is_the_same_document_as_by_id_whatever_the_case() {
        byte[] byId = Http.get(api("pokemon/25/")).body();
        assertThat(Http.get(api("pokemon/pikachu/")).body()).isEqualTo(byId);
        assertThat(Http.get(api("Pokemon/PIKACHU/")).body()).isEqualTo(byId);
        assertThat(Http.get(api("type/electric/")).body()).isEqualTo(Http.get(api("type/13/")).body());
        assertThat(Http.json(Http.get(api("move/thunder-shock/"))).get("id").intValue()).isEqualTo(84);
    }

    @Test
    void encounters_are_served_with_and_without_trailing_slash_and_by_pokemon_name() {
        JsonNode expected = absolute(snapshot.documents().get("pokemon/25/encounters"));
        for (String path : List.of("pokemon/25/encounters", "pokemon/25/encounters/", "pokemon/pikachu/encounters")) {
            HttpResponse<byte[]> r = Http.get(api(path));
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(Http.json(r)).as(path).isEqualTo(expected);
        }
        String link = Http.json(Http.get(api("pokemon/25/"))).get("location_area_encounters").asText();
        assertThat(Http.get(URI.create(link)).statusCode()).isEqualTo(200);
    }

    @Test
    void paths_without_a_trailing_slash_are_served_directly_without_a_redirect() {
        assertThat(Http.get(URI.create(base + "/api/v2/pokemon/25")).body()).isEqualTo(Http.get(api("pokemon/25/")).body());
        assertThat(Http.get(URI.create(base + "/api/v2/pokemon")).body()).isEqualTo(Http.get(api("pokemon/")).body());
        HttpResponse<byte[]> root = Http.get(URI.create(base + "/api/v2"));
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).isEqualTo(Http.get(server.apiRoot()).body());
    }

    @Test
    void the_meta_document_is_served_at_its_endpoint_with_upstreams_version_headers() {
        HttpResponse<byte[]> r = Http.get(api("meta/"));
        JsonNode meta = snapshot.documents().get("meta");
        assertThat(Http.json(r)).isEqualTo(meta);
        assertThat(r.headers().firstValue("X-PokeAPI-Hash")).hasValue(meta.get("hash").asText());
        assertThat(r.headers().firstValue("X-PokeAPI-Deploy-Date")).hasValue(meta.get("deploy_date").asText());
    }

    @Test
    void unknown_endpoints_ids_names_and_paths_answer_404_with_a_json_detail() {
        List<URI> unknown = List.of(api("nope/"), api("pokemon/99999/"), api("pokemon/missingno/"), api("pokemon/25/moves/"),
                api("pokemon/99999/encounters"), api("type/13/encounters"), URI.create(base + "/"),
                URI.create(base + "/api/v1/pokemon/25/"), URI.create(base + "/api/v2x/"));
        SoftAssertions soft = new SoftAssertions();
        for (URI uri : unknown) {
            HttpResponse<byte[]> r = Http.get(uri);
            soft.assertThat(r.statusCode()).as(uri.toString()).isEqualTo(404);
            soft.assertThat(r.headers().firstValue("Content-Type")).as(uri.toString()).hasValue("application/json; charset=utf-8");
            soft.assertThat(Http.json(r)).as(uri.toString()).isEqualTo(Minis.json("{\"detail\":\"Not found.\"}".getBytes()));
        }
        soft.assertAll();
    }

    @Test
    void a_crawler_starting_at_the_root_index_reaches_every_document_and_every_reference_resolves() {
        Deque<URI> queue = new ArrayDeque<>(List.of(server.apiRoot()));
        Set<URI> seen = new HashSet<>(queue);
        Set<String> failed = new LinkedHashSet<>();
        while (!queue.isEmpty()) {
            URI uri = queue.poll();
            HttpResponse<byte[]> r = Http.get(uri);
            if (r.statusCode() != 200) {
                failed.add(uri + " -> " + r.statusCode());
                continue;
            }
            for (String ref : references(Http.json(r))) {
                assertThat(ref).as("reference in " + uri).startsWith(base + "/api/v2/");
                URI next = URI.create(ref.contains("?") ? ref : ref.endsWith("/") && ref.split("/").length == 6 ? ref + "?limit=1000" : ref);
                if (seen.add(next)) {
                    queue.add(next);
                }
            }
        }
        assertThat(failed).isEmpty();
        // every document, encounters included (reached through location_area_encounters), and meta
        long documents = seen.stream().map(URI::getPath).filter(p -> p.split("/").length >= 5 || p.equals("/api/v2/meta/"))
                .distinct().count();
        assertThat(documents).isEqualTo(snapshot.documents().size());
    }

    @Test
    void an_etag_sent_back_in_if_none_match_gives_304_with_an_empty_body() {
        HttpResponse<byte[]> first = Http.get(api("pokemon/25/"));
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(first.headers().firstValue("Last-Modified")).isPresent();

        HttpResponse<byte[]> again = Http.get(api("pokemon/25/"), "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);

        assertThat(Http.get(api("pokemon/25/"), "If-None-Match", "\"other\", W/" + etag).statusCode()).isEqualTo(304);
        assertThat(Http.get(api("pokemon/25/"), "If-None-Match", "*").statusCode()).isEqualTo(304);
        assertThat(Http.get(api("pokemon/25/"), "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
        assertThat(Http.get(api("pokemon/26/")).headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
    }

    @Test
    void if_modified_since_at_or_after_load_time_gives_304_and_an_earlier_date_gives_200() {
        HttpResponse<byte[]> first = Http.get(api("type/13/"));
        String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
        assertThat(Http.get(api("type/13/"), "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
        Instant t = DateTimeFormatter.RFC_1123_DATE_TIME.parse(lastModified, Instant::from);
        String earlier = DateTimeFormatter.RFC_1123_DATE_TIME.format(t.minusSeconds(3600).atZone(ZoneOffset.UTC));
        assertThat(Http.get(api("type/13/"), "If-Modified-Since", earlier).statusCode()).isEqualTo(200);
        assertThat(Http.get(api("type/13/"), "If-Modified-Since", "not a date").statusCode()).isEqualTo(200);
        // If-None-Match wins over If-Modified-Since
        assertThat(Http.get(api("type/13/"), "If-Modified-Since", lastModified, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    }

    @Test
    void gzip_is_sent_when_accepted_and_inflates_to_the_identity_body() throws IOException {
        HttpResponse<byte[]> plain = Http.get(api("pokemon/25/"));
        HttpResponse<byte[]> gz = Http.get(api("pokemon/25/"), "Accept-Encoding", "br;q=1.0, gzip;q=0.8");
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gz.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(gz.body().length).isLessThan(plain.body().length);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
        String gzEtag = gz.headers().firstValue("ETag").orElseThrow();
        assertThat(gzEtag).isNotEqualTo(plain.headers().firstValue("ETag").orElseThrow());
        assertThat(Http.get(api("pokemon/25/"), "Accept-Encoding", "gzip", "If-None-Match", gzEtag).statusCode()).isEqualTo(304);
        assertThat(Http.get(api("pokemon/25/"), "Accept-Encoding", "gzip;q=0").headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void list_pages_carry_a_stable_etag_and_answer_if_none_match_with_304() {
        HttpResponse<byte[]> first = Http.get(api("pokemon/?limit=2"));
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(Http.get(api("pokemon/?limit=2")).headers().firstValue("ETag")).hasValue(etag);
        assertThat(Http.get(api("pokemon/?limit=3")).headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
        assertThat(Http.get(api("pokemon/?limit=2"), "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void head_answers_with_the_headers_of_get_and_no_body() {
        HttpResponse<byte[]> get = Http.get(api("pokemon/25/"));
        HttpResponse<byte[]> head = Http.send(HttpRequest.newBuilder(api("pokemon/25/")).HEAD());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(get.body().length);
        assertThat(head.headers().firstValue("ETag")).isEqualTo(get.headers().firstValue("ETag"));
    }

    @Test
    void other_methods_are_refused_with_405_naming_the_allowed_ones() {
        HttpResponse<byte[]> r = Http.send(HttpRequest.newBuilder(api("pokemon/25/")).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(Http.json(r).get("detail").asText()).isEqualTo("Method \"POST\" not allowed.");
    }

    @Test
    void stats_count_served_not_modified_and_not_found_requests_and_are_exposed_as_json() {
        try (SnapshotServer own = SnapshotServer.start(new SnapshotSource.Archive(Minis.path(Minis.MINI_0606)), ServerOptions.defaults())) {
            URI doc = own.apiRoot().resolve("pokemon/1/");
            String etag = Http.get(doc).headers().firstValue("ETag").orElseThrow();
            Http.get(doc, "If-None-Match", etag);
            Http.get(doc, "If-None-Match", etag);
            Http.get(own.apiRoot().resolve("pokemon/0/"));
            assertThat(own.stats()).isEqualTo(new ServerStats(4, 1, 2, 1, 0, 0, 0));

            JsonNode json = Http.json(Http.get(own.baseUri().resolve("_stats")));
            assertThat(json.get("requests").longValue()).isEqualTo(4);
            assertThat(json.get("served").longValue()).isEqualTo(1);
            assertThat(json.get("not_modified").longValue()).isEqualTo(2);
            assertThat(json.get("not_found").longValue()).isEqualTo(1);
            assertThat(json.get("injected_faults").longValue()).isZero();
            assertThat(json.get("documents").intValue()).isEqualTo(own.documentCount());
            assertThat(own.stats().requests()).as("/_stats itself is not counted").isEqualTo(4);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> references(JsonNode node) {
        List<String> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isTextual() && node.asText().contains("/api/v2/")) {
            out.add(node.asText());
        }
        node.forEach(child -> collect(child, out));
    }
}
