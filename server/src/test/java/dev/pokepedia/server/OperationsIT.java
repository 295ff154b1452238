package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.testkit.FreshDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health, readiness, metrics, the OpenAPI document, the Pokédex page, and graceful shutdown. */
class OperationsIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static PokepediaServer server;
    static Http http;
    static Queues queues;

    @BeforeAll
    static void start() throws Exception {
        var store = Mirror.load(db.database(), Files.createTempDirectory("ops-storage"));
        queues = Queues.open(db.database());
        queues.create("pokepedia_ingest");
        server = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)).objectStore(store).queues(queues).start();
        http = new Http(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
        queues.close();
    }

    @Test
    void healthAndReadinessAnswer() {
        assertThat(Http.json(http.get("/healthz")).path("status").asText()).isEqualTo("ok");
        JsonNode ready = Http.json(http.get("/readyz"));
        assertThat(ready.path("status").asText()).isEqualTo("ready");
        assertThat(ready.path("database").asText()).isEqualTo("ok");
        assertThat(ready.path("storage").asText()).isEqualTo("ok");
    }

    @Test
    void notReadyWhenTheDatabaseIsGone() throws Exception {
        var cfg = db.createSibling("gone");
        Database doomed = Database.open(cfg, 2).migrate();
        try (PokepediaServer s = PokepediaServer.builder(doomed).options(ServerOptions.defaults().withPort(0)).start()) {
            Http h = new Http(s.baseUri());
            assertThat(h.get("/readyz").statusCode()).isEqualTo(200);
            db.dropSibling("gone");
            HttpResponse<byte[]> r = h.get("/readyz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(Http.json(r).path("database").asText()).startsWith("unavailable");
            assertThat(h.get("/healthz").statusCode()).isEqualTo(200);
            HttpResponse<byte[]> api = h.get("/api/v2/pokemon/25/");
            assertThat(api.statusCode()).isEqualTo(503);
            assertThat(api.headers().firstValue("Retry-After")).isPresent();
        } finally {
            doomed.close();
        }
    }

    @Test
    void metricsHaveLatencyHistogramsQueueGaugesAndMediaCounts() {
        http.get("/api/v2/pokemon/25/");
        queues.send("pokepedia_ingest", "{\"n\":1}");
        String metrics = Http.text(http.get("/metrics"));
        assertThat(metrics).contains("http_server_requests_seconds_bucket{").contains("uri=\"/api/v2/{endpoint}/{id}\"");
        assertThat(metrics).containsPattern("pokepedia_queue_depth\\{queue=\"pokepedia_ingest\"} [1-9]");
        assertThat(metrics).contains("pokepedia_queue_oldest_age_seconds{queue=\"pokepedia_ingest\"}");
        assertThat(metrics).contains("pokepedia_assets{bucket=\"pokedex-cries\",status=\"stored\"}");
        assertThat(metrics).containsPattern("pokepedia_import_runs\\{status=\"succeeded\"} [1-9]");
        assertThat(metrics).contains("jvm_memory_used_bytes");
        queues.purge("pokepedia_ingest");
    }

    @Test
    void openApiDocumentsEveryPublicRouteAndEachAnswers() {
        JsonNode doc = Http.json(http.get("/openapi.json"));
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        assertThat(doc.path("servers").get(0).path("url").asText()).isEqualTo(server.baseUri().toString());
        List<String> paths = new ArrayList<>();
        for (Iterator<String> it = doc.path("paths").fieldNames(); it.hasNext(); ) {
            paths.add(it.next());
        }
        assertThat(paths).contains("/api/v2/", "/api/v2/{endpoint}/", "/api/v2/{endpoint}/{id}/", "/api/v2/pokemon/{id}/encounters",
                "/pokedex/pokemon", "/pokedex/pokemon/{id}", "/pokedex/species", "/pokedex/moves", "/pokedex/types",
                "/storage/v1/object/public/{bucket}/{path}", "/healthz", "/readyz", "/metrics");
        assertThat(paths).contains("/sync/v1/push", "/sync/v1/op", "/sync/v1/pull", "/sync/v1/events");
        for (String p : paths) {
            if (!doc.path("paths").path(p).has("get") || doc.path("paths").path(p).path("get").has("security")) {
                continue; // why: the sync routes need a token; SyncHttpIT covers them
            }
            String concrete = p.replace("{endpoint}", "pokemon").replace("{id}", "25").replace("{bucket}", "pokedex-cries")
                    .replace("{path}", "cries/pokemon/latest/25.ogg");
            if (concrete.startsWith("/pokedex/") && concrete.endsWith("/25")) {
                concrete = concrete.replace("/25", p.contains("moves") ? "/33" : p.contains("types") ? "/10" : "/25");
            }
            assertThat(http.get(concrete).statusCode()).as(concrete).isEqualTo(200);
        }
    }

    @Test
    void pokedexPageIsServedWithItsAssetsAndAStrictPolicy() {
        HttpResponse<byte[]> page = http.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
        assertThat(Http.text(page)).contains("/static/pokedex.js");
        assertThat(http.get("/static/pokedex.js").statusCode()).isEqualTo(200);
        assertThat(http.get("/static/pokedex.css").statusCode()).isEqualTo(200);
        assertThat(http.get("/webjars/htmx.org/2.0.4/dist/htmx.min.js").statusCode()).isEqualTo(200);
    }

    @Test
    void shutdownLetsAnInFlightRequestFinishThenRefusesConnections() throws Exception {
        var store = Mirror.load(db.database(), Files.createTempDirectory("ops-shutdown")); // re-import: nothing changes
        PokepediaServer s = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0).withResponseCacheTtl(Duration.ZERO))
                .objectStore(store).queues(queues).start();
        Http h = new Http(s.baseUri());
        CompletableFuture<HttpResponse<byte[]>> inFlight;
        CompletableFuture<Void> closing;
        try (Connection locker = db.database().connection(); Statement st = locker.createStatement()) {
            locker.setAutoCommit(false);
            st.execute("LOCK TABLE pokeapi_resources IN ACCESS EXCLUSIVE MODE");
            inFlight = CompletableFuture.supplyAsync(() -> h.get("/api/v2/pokemon/1/"));
            await().atMost(Duration.ofSeconds(10)).until(OperationsIT::aQueryWaitsForTheLock);
            closing = CompletableFuture.runAsync(s::close);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThatThrownBy(() -> h.get("/healthz")).isInstanceOf(RuntimeException.class));
            assertThat(inFlight).isNotDone();
            locker.commit();
        }
        assertThat(inFlight.get().statusCode()).isEqualTo(200);
        closing.get();
    }

    private static boolean aQueryWaitsForTheLock() throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
