package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.corpus.ChangeFeed;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.testkit.FreshDatabase;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two serve processes (servers) on one database answer from memory and never serve a stale answer after a document,
 * projection or asset change, nor after their change feed connection was killed while a change happened. A third
 * server with {@code --cache-mb 0} (SQL per request) shows that the in-memory Pokédex answers exactly like SQL.
 */
class MemoryServingIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static final URI PUBLIC = URI.create("http://pokepedia.test");
    static ObjectStore store;
    static PokepediaServer a;
    static PokepediaServer b;
    static PokepediaServer sql;
    static List<Http> both;
    static Http sqlHttp;

    @BeforeAll
    static void start() throws Exception {
        store = Mirror.load(db.database(), Files.createTempDirectory("memory-storage"));
        ServerOptions options = ServerOptions.defaults().withPort(0).withPublicUrl(PUBLIC);
        a = PokepediaServer.builder(db.database()).options(options).objectStore(store).start();
        b = PokepediaServer.builder(db.database()).options(options).objectStore(store).start();
        sql = PokepediaServer.builder(db.database()).options(options.withDocumentCacheMb(0).withResponseCacheTtl(Duration.ZERO))
                .objectStore(store).start();
        both = List.of(new Http(URI.create("http://127.0.0.1:" + a.port())), new Http(URI.create("http://127.0.0.1:" + b.port())));
        sqlHttp = new Http(URI.create("http://127.0.0.1:" + sql.port()));
    }

    @AfterAll
    static void stop() {
        for (PokepediaServer s : new PokepediaServer[] {a, b, sql}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @BeforeEach
    void warm() {
        await().atMost(Duration.ofSeconds(30)).until(() -> a.servingFromMemory() && b.servingFromMemory());
    }

    @Test
    void a_document_change_is_served_by_both_servers_and_never_the_old_version_again() throws Exception {
        assertAll("/api/v2/berry-flavor/1/", body -> body.contains("\"name\":\"spicy\""));
        exec("UPDATE pokeapi_resources SET data = jsonb_set(data, '{name}', '\"fiery\"'), sha256 = 'changed-1' "
                + "WHERE resource_type = 'berry-flavor' AND resource_key = '1'");
        awaitThenStable("/api/v2/berry-flavor/1/", body -> body.contains("\"name\":\"fiery\""));
        exec("UPDATE pokeapi_resources SET deleted_at = now() WHERE resource_type = 'berry-flavor' AND resource_key = '2'");
        awaitStatusThenStable("/api/v2/berry-flavor/2/", 404);
        awaitThenStable("/api/v2/berry-flavor/?limit=50", body -> !body.contains("/berry-flavor/2/"));
        exec("UPDATE pokeapi_resources SET deleted_at = NULL WHERE resource_type = 'berry-flavor' AND resource_key = '2'");
        awaitStatusThenStable("/api/v2/berry-flavor/2/", 200);
    }

    @Test
    void a_projection_change_is_served_by_both_servers() throws Exception {
        exec("UPDATE pokepedia_pokemon SET name = 'pika-renamed' WHERE id = 25");
        try {
            awaitThenStable("/pokedex/pokemon/25", body -> body.contains("\"name\":\"pika-renamed\""));
            awaitThenStable("/pokedex/pokemon?name=pika-ren", body -> body.contains("\"count\":1"));
        } finally {
            exec("UPDATE pokepedia_pokemon SET name = 'pikachu' WHERE id = 25");
        }
        awaitThenStable("/pokedex/pokemon?name=pika-ren", body -> body.contains("\"count\":0"));
    }

    @Test
    void an_asset_change_is_served_by_both_servers_in_documents_and_the_pokedex() throws Exception {
        String mirrored = PUBLIC + "/storage/v1/object/public/pokedex-cries/cries/pokemon/latest/25.ogg";
        assertAll("/api/v2/pokemon/25/", body -> body.contains(mirrored));
        exec("UPDATE pokepedia_assets SET status = 'missing' WHERE bucket = 'pokedex-cries' AND path = 'cries/pokemon/latest/25.ogg'");
        try {
            awaitThenStable("/api/v2/pokemon/25/", body -> !body.contains(mirrored));
            awaitThenStable("/pokedex/pokemon/25", body -> !body.contains(mirrored));
        } finally {
            exec("UPDATE pokepedia_assets SET status = 'stored' WHERE bucket = 'pokedex-cries' AND path = 'cries/pokemon/latest/25.ogg'");
        }
        awaitThenStable("/api/v2/pokemon/25/", body -> body.contains(mirrored));
        awaitThenStable("/pokedex/pokemon/25", body -> body.contains(mirrored));
    }

    @Test
    void a_change_while_the_feed_connection_is_killed_is_served_after_it() throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("UPDATE pokeapi_resources SET data = jsonb_set(data, '{name}', '\"bitter-x\"'), sha256 = 'changed-2' "
                    + "WHERE resource_type = 'berry-flavor' AND resource_key = '5'");
            // why in the change's transaction: it commits just after both listeners lost their connection, unheard
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND application_name = '" + ChangeFeed.APPLICATION_NAME + "'");
            c.commit();
        }
        awaitThenStable("/api/v2/berry-flavor/5/", body -> body.contains("\"name\":\"bitter-x\""));
        await().atMost(Duration.ofSeconds(30)).until(() -> a.servingFromMemory() && b.servingFromMemory());
        assertAll("/api/v2/berry-flavor/5/", body -> body.contains("\"name\":\"bitter-x\""));
    }

    @Test
    void the_pokedex_in_memory_answers_exactly_like_sql() {
        List<String> queries = new ArrayList<>();
        String[] types = {"", "type=electric", "type=fire", "type=water", "type=grass", "type=normal"};
        String[] gens = {"", "generation=1", "generation=2", "generation=4"};
        String[] sorts = {"", "sort=name", "sort=-name", "sort=-total_base_stat", "sort=speed,-hp", "sort=-weight,name", "sort=base_experience"};
        for (String t : types) {
            for (String g : gens) {
                for (String s : sorts) {
                    queries.add("/pokedex/pokemon?" + String.join("&", nonEmpty(t, g, s, "limit=7", "offset=1")));
                }
            }
        }
        for (String f : new String[] {"is_legendary=true", "is_legendary=false", "is_mythical=false", "is_baby=true", "generation=1", "name=pi"}) {
            for (String s : new String[] {"", "sort=-capture_rate", "sort=name", "sort=-base_happiness,-name"}) {
                queries.add("/pokedex/species?" + String.join("&", nonEmpty(f, s)));
            }
        }
        for (String f : new String[] {"", "type=electric", "damage_class=special", "generation=1", "name=th"}) {
            for (String s : new String[] {"", "sort=-power", "sort=accuracy,-pp", "sort=-name"}) {
                queries.add("/pokedex/moves?" + String.join("&", nonEmpty(f, s)));
            }
        }
        queries.addAll(List.of("/pokedex/types?sort=-name", "/pokedex/types?generation=1", "/pokedex/pokemon?name=pika",
                "/pokedex/pokemon?is_default=false", "/pokedex/pokemon?limit=200", "/pokedex/pokemon?offset=100000",
                "/pokedex/pokemon/25", "/pokedex/pokemon/pikachu", "/pokedex/species/25", "/pokedex/moves/85",
                "/pokedex/types/13", "/pokedex/types/electric", "/pokedex/pokemon/99999", "/pokedex/pokemon?type=nosuch"));
        Http memory = both.get(0);
        for (String q : queries) {
            HttpResponse<byte[]> m = memory.get(q);
            HttpResponse<byte[]> s = sqlHttp.get(q);
            assertThat(m.statusCode()).as(q).isEqualTo(s.statusCode());
            assertThat(Http.text(m)).as(q).isEqualTo(Http.text(s));
        }
        assertThat(a.servingFromMemory()).as("the comparison ran against memory").isTrue();
    }

    private static String[] nonEmpty(String... parts) {
        return java.util.Arrays.stream(parts).filter(p -> !p.isEmpty()).toArray(String[]::new);
    }

    private static void exec(String sqlText) throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.executeUpdate(sqlText);
        }
    }

    private static void assertAll(String path, Predicate<String> fresh) {
        for (Http h : both) {
            assertThat(Http.text(h.get(path))).as(path).matches(fresh);
        }
    }

    /** Fresh on both servers soon after the commit, and then on every one of many further requests. */
    private static void awaitThenStable(String path, Predicate<String> fresh) {
        for (Http h : both) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> fresh.test(Http.text(h.get(path))));
        }
        for (int i = 0; i < 30; i++) {
            assertAll(path, fresh);
        }
    }

    private static void awaitStatusThenStable(String path, int status) {
        for (Http h : both) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> h.get(path).statusCode() == status);
        }
        for (int i = 0; i < 30; i++) {
            for (Http h : both) {
                assertThat(h.get(path).statusCode()).as(path).isEqualTo(status);
            }
        }
    }
}
