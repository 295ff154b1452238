package dev.pokepedia.snapshotserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.testkit.SharedData;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The real 2026-07-10 snapshot (15k documents); skipped with a message when ../shared/data is missing. */
class FullSnapshotIT {

    @Test
    void the_full_snapshot_serves_pikachu_and_the_upstream_pokemon_count() {
        Path archive = SharedData.require("api-data-2026-07-10.tar.gz");
        try (SnapshotServer server = SnapshotServer.start(new SnapshotSource.Archive(archive), ServerOptions.defaults())) {
            String base = server.baseUri().toString().replaceAll("/$", "");
            assertThat(server.problems()).isEmpty();
            // README of shared/data: 13,760 resources + 1,351 encounters + meta
            assertThat(server.documentCount()).isEqualTo(13_760 + 1_351 + 1);

            HttpResponse<byte[]> pikachu = Http.get(server.apiRoot().resolve("pokemon/25/"));
            assertThat(pikachu.statusCode()).isEqualTo(200);
            JsonNode doc = Http.json(pikachu);
            assertThat(doc.get("name").asText()).isEqualTo("pikachu");
            assertThat(doc.at("/species/url").asText()).isEqualTo(base + "/api/v2/pokemon-species/25/");
            assertThat(Http.get(server.apiRoot().resolve("pokemon/pikachu/")).body()).isEqualTo(pikachu.body());

            JsonNode list = Http.json(Http.get(server.apiRoot().resolve("pokemon/?limit=1")));
            assertThat(list.get("count").intValue()).isEqualTo(1351);
            assertThat(list.get("results")).hasSize(1);
            assertThat(list.at("/results/0/name").asText()).isEqualTo("bulbasaur");
            assertThat(list.get("next").asText()).isEqualTo(base + "/api/v2/pokemon/?offset=1&limit=1");

            JsonNode encounters = Http.json(Http.get(server.apiRoot().resolve("pokemon/25/encounters")));
            assertThat(encounters.isArray()).isTrue();
            assertThat(encounters.findValuesAsText("url")).allMatch(u -> u.startsWith(base + "/api/v2/"));
        }
    }
}
