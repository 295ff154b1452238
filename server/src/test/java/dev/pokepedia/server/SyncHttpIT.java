package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.sync.SyncConfig;
import dev.pokepedia.sync.SyncService;
import dev.pokepedia.testkit.FreshDatabase;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /sync/v1 over real HTTP against real Postgres: auth, bad input, idempotency, conflicts, pull, events across servers. */
class SyncHttpIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static final String SECRET = "test-secret-" + "x".repeat(40);
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static SyncService syncA, syncB, syncOff;
    static PokepediaServer a, b, off;

    @BeforeAll
    static void start() {
        SyncConfig config = SyncConfig.withSecret(SECRET, SyncConfig.SECRET_ENV);
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        syncA = SyncService.open(db.database(), config, registry, Clock.systemUTC());
        syncB = SyncService.open(db.database(), config, null, Clock.systemUTC());
        syncOff = SyncService.open(db.database(), SyncConfig.withSecret(null, null), null, Clock.systemUTC());
        a = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)).meterRegistry(registry).syncService(syncA).start();
        b = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)).syncService(syncB).start();
        off = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)).syncService(syncOff).start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : List.<AutoCloseable>of(a, b, off, syncA, syncB, syncOff)) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    static String token(String sub) {
        return token(sub, Instant.now().plusSeconds(600), SECRET);
    }

    static String token(String sub, Instant exp, String secret) {
        return "Bearer " + JWT.create().withSubject(sub).withClaim("role", "authenticated").withExpiresAt(exp).sign(Algorithm.HMAC256(secret));
    }

    static String user() {
        return "user-" + UUID.randomUUID();
    }

    static String uid() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static HttpResponse<byte[]> post(PokepediaServer s, String path, String auth, String body) {
        HttpRequest.Builder r = HttpRequest.newBuilder(s.baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            r.header("Authorization", auth);
        }
        return send(r.build());
    }

    static HttpResponse<byte[]> get(PokepediaServer s, String path, String auth) {
        HttpRequest.Builder r = HttpRequest.newBuilder(s.baseUri().resolve(path)).timeout(Duration.ofSeconds(30)).GET();
        if (auth != null) {
            r.header("Authorization", auth);
        }
        return send(r.build());
    }

    static HttpResponse<byte[]> send(HttpRequest r) {
        try {
            return CLIENT.send(r, HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String op(long opId, String type, String id, String kind, long base, String payload) {
        return "{\"op_id\":" + opId + ",\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"kind\":\"" + kind + "\",\"base_version\":" + base
                + (payload == null ? "" : ",\"payload\":" + payload) + ",\"hlc\":\"0001733580000000:0000:c1\"}";
    }

    static String batch(String client, String... ops) {
        return "{\"client_id\":\"" + client + "\",\"ops\":[" + String.join(",", ops) + "]}";
    }

    static void assertError(HttpResponse<byte[]> r, int status, String code, String... inMessage) {
        JsonNode body = Http.json(r);
        assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(status);
        assertThat(body.path("error").asText()).isEqualTo(code);
        if (inMessage.length > 0) {
            assertThat(body.path("message").asText()).contains(inMessage);
        }
    }

    @Test
    void without_a_secret_every_sync_route_answers_503_naming_the_variable() {
        for (HttpResponse<byte[]> r : List.of(post(off, "/sync/v1/push", token("u"), batch("c")), post(off, "/sync/v1/op", null, "{}"),
                get(off, "/sync/v1/pull?since=0", token("u")), get(off, "/sync/v1/events", token("u")))) {
            assertError(r, 503, "sync_not_configured", "POKEPEDIA_JWT_SECRET");
        }
    }

    @Test
    void missing_expired_and_forged_tokens_are_401() {
        String body = batch("c", op(1, "players", "p-" + uid(), "upsert", 0, "{\"name\":\"x\"}"));
        assertError(post(a, "/sync/v1/push", null, body), 401, "unauthorized", "Authorization");
        assertError(post(a, "/sync/v1/push", "Basic abc", body), 401, "unauthorized", "Bearer");
        assertError(post(a, "/sync/v1/push", token("u", Instant.now().minusSeconds(3600), SECRET), body), 401, "unauthorized", "expired");
        assertError(post(a, "/sync/v1/push", token("u", Instant.now().plusSeconds(600), "another-secret-" + "y".repeat(40)), body), 401,
                "unauthorized", "signature");
        String noExp = "Bearer " + JWT.create().withSubject("u").sign(Algorithm.HMAC256(SECRET));
        assertError(post(a, "/sync/v1/push", noExp, body), 401, "unauthorized", "exp");
        assertError(get(a, "/sync/v1/pull", "Bearer not.a.jwt"), 401, "unauthorized");
        assertError(get(b, "/sync/v1/events", null), 401, "unauthorized");
    }

    @Test
    void push_then_replay_answers_the_same_and_pull_sees_it_once() {
        String auth = token(user()), p = "p-" + uid(), t = "t-" + uid();
        String body = batch("dev-1", op(1, "players", p, "upsert", 0, "{\"name\":\"Ash\"}"), op(2, "teams", t, "upsert", 0, "{\"name\":\"Reds\"}"));
        HttpResponse<byte[]> first = post(a, "/sync/v1/push", auth, body);
        assertThat(first.statusCode()).as(Http.text(first)).isEqualTo(200);
        JsonNode r = Http.json(first);
        assertThat(r.at("/results/0/status").asText()).isEqualTo("applied");
        assertThat(r.at("/results/0/version").asLong()).isPositive();
        assertThat(r.at("/counts/players/upserted").asInt()).isEqualTo(1);
        assertThat(r.path("server_time_ms").asLong()).isPositive();
        JsonNode again = Http.json(post(b, "/sync/v1/push", auth, body));
        assertThat(again.path("results")).isEqualTo(r.path("results"));
        JsonNode pulled = Http.json(get(a, "/sync/v1/pull?since=0", auth));
        assertThat(pulled.path("changes")).hasSize(2);
        assertThat(pulled.at("/changes/0/hlc").asText()).isEqualTo("0001733580000000:0000:c1");
        assertThat(pulled.path("cursor").asText()).isEqualTo(r.at("/results/1/version").asText());
        assertThat(pulled.path("has_more").asBoolean()).isFalse();
    }

    @Test
    void the_single_op_fallback_answers_like_push() {
        String auth = token(user());
        JsonNode r = Http.json(post(a, "/sync/v1/op", auth, "{\"client_id\":\"d\",\"op\":" + op(5, "seasons", "s-" + uid(), "upsert", 0,
                "{\"name\":\"2026\"}") + "}"));
        assertThat(r.path("results")).hasSize(1);
        assertThat(r.at("/results/0/op_id").asLong()).isEqualTo(5);
        assertThat(r.at("/counts/seasons/upserted").asInt()).isEqualTo(1);
    }

    @Test
    void malformed_unknown_and_oversized_batches_are_refused_and_name_the_fault() {
        String auth = token(user());
        assertError(post(a, "/sync/v1/push", auth, "{\"client_id\":\"c\",\"ops\":[{"), 400, "bad_request", "not valid JSON");
        assertError(post(a, "/sync/v1/push", auth, "{\"ops\":[]}"), 400, "bad_request", "client_id");
        assertError(post(a, "/sync/v1/push", auth, "{\"client_id\":\"c\",\"ops\":{}}"), 400, "bad_request", "ops must be an array");
        assertError(post(a, "/sync/v1/push", auth, batch("c", "{\"op_id\":1,\"type\":\"players\",\"id\":\"x\",\"kind\":\"upsert\"}")), 400,
                "bad_request", "ops[0].base_version");
        assertError(post(a, "/sync/v1/push", auth, batch("c", op(1, "players", "x", "merge", 0, "{}"))), 400, "bad_request", "ops[0].kind");
        assertError(post(a, "/sync/v1/push", auth, batch("c", op(1, "pokemon", "x", "upsert", 0, "{}"))), 400, "bad_request",
                "unknown entity type \"pokemon\"");
        assertError(post(a, "/sync/v1/push", auth, batch("c", op(1, "players", "x-" + uid(), "upsert", 0, "{\"name\":\"a\",\"hat\":1}"))), 400,
                "bad_request", "unknown field(s) \"hat\"");
        String many = batch("c", IntStream.range(0, 1001).mapToObj(i -> op(i, "players", "m" + i, "upsert", 0, "{}")).toArray(String[]::new));
        assertError(post(a, "/sync/v1/push", auth, many), 400, "bad_request", "at most 1000");
        String huge = batch("c", op(1, "players", "h", "upsert", 0, "{\"notes\":\"" + "z".repeat(4 * 1024 * 1024) + "\"}"));
        assertError(post(a, "/sync/v1/push", auth, huge), 413, "payload_too_large", "4194304");
        assertError(get(a, "/sync/v1/pull?since=0&limit=9999", auth), 400, "bad_request", "limit");
        assertError(get(a, "/sync/v1/pull?since=abc", auth), 400, "bad_request", "since");
        assertError(get(a, "/sync/v1/pull?cursor=1", auth), 400, "bad_request", "cursor");
        assertThat(Http.json(get(a, "/sync/v1/pull?since=0", auth)).path("changes")).isEmpty();
    }

    @Test
    void another_users_row_duplicate_op_ids_and_missing_parents_apply_nothing() {
        String alice = token(user()), mallory = token(user()), p = "p-" + uid(), mine = "p-" + uid();
        assertThat(post(a, "/sync/v1/push", alice, batch("a1", op(1, "players", p, "upsert", 0, "{\"name\":\"A\"}"))).statusCode()).isEqualTo(200);
        assertError(post(a, "/sync/v1/push", mallory, batch("m1", op(1, "players", mine, "upsert", 0, "{\"name\":\"M\"}"),
                op(2, "players", p, "upsert", 0, "{\"name\":\"stolen\"}"))), 403, "forbidden", "players " + p, "another user");
        assertError(post(a, "/sync/v1/push", mallory, batch("m1", op(1, "players", mine, "upsert", 0, "{\"name\":\"M\"}"),
                op(2, "team_rosters", "r-" + uid(), "upsert", 0, "{\"team_id\":\"t-missing\",\"roster\":[]}"))), 400, "bad_request", "teams t-missing");
        assertThat(Http.json(get(a, "/sync/v1/pull?since=0", mallory)).path("changes")).isEmpty();
        assertThat(post(a, "/sync/v1/push", mallory, batch("m1", op(1, "players", mine, "upsert", 0, "{\"name\":\"M\"}"))).statusCode()).isEqualTo(200);
        assertError(post(a, "/sync/v1/push", mallory, batch("m1", op(2, "players", mine + "2", "upsert", 0, "{\"name\":\"N\"}"),
                op(1, "players", mine, "upsert", 0, "{\"name\":\"changed\"}"))), 409, "duplicate_op", "op_id 1");
        assertThat(Http.json(get(a, "/sync/v1/pull?since=0", mallory)).path("changes")).hasSize(1);
    }

    @Test
    void conflicts_are_answered_with_the_server_row() {
        String auth = token(user()), p = "p-" + uid();
        long v1 = Http.json(post(a, "/sync/v1/push", auth, batch("d1", op(1, "players", p, "upsert", 0, "{\"name\":\"one\"}")))).at("/results/0/version").asLong();
        Http.json(post(a, "/sync/v1/push", auth, batch("d1", op(2, "players", p, "upsert", v1, "{\"name\":\"two\"}"))));
        JsonNode c = Http.json(post(b, "/sync/v1/push", auth, batch("d2", op(1, "players", p, "upsert", v1, "{\"name\":\"three\"}"))));
        assertThat(c.at("/results/0/status").asText()).isEqualTo("conflict");
        assertThat(c.at("/results/0/server/payload/name").asText()).isEqualTo("two");
        assertThat(c.at("/results/0/server/deleted").asBoolean()).isFalse();
        assertThat(c.at("/counts/players/conflicts").asInt()).isEqualTo(1);
    }

    @Test
    void pull_from_before_pruned_tombstones_is_410_resync_required() throws Exception {
        String sub = user(), auth = token(sub), t = "to-" + uid();
        long v = Http.json(post(a, "/sync/v1/push", auth, batch("d", op(1, "tournaments", t, "upsert", 0, "{\"name\":\"Cup\"}")))).at("/results/0/version").asLong();
        post(a, "/sync/v1/push", auth, batch("d", op(2, "tournaments", t, "delete", v, null)));
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("UPDATE tournaments SET deleted_at = now() - interval '100 days' WHERE id = '" + t + "'");
        }
        syncA.pruneTombstones(Duration.ofDays(90));
        assertError(get(a, "/sync/v1/pull?since=" + v, auth), 410, "resync_required", "\"0\"");
        assertThat(get(a, "/sync/v1/pull?since=0", auth).statusCode()).isEqualTo(200);
    }

    /** Reads an SSE stream line by line on a virtual thread. */
    static final class Stream implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader;
        volatile InputStream in;

        Stream(PokepediaServer s, String auth) {
            HttpRequest r = HttpRequest.newBuilder(s.baseUri().resolve("/sync/v1/events")).header("Authorization", auth)
                    .header("Accept", "text/event-stream").GET().build();
            reader = Thread.ofVirtual().start(() -> {
                try {
                    HttpResponse<InputStream> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofInputStream());
                    lines.add("status: " + resp.statusCode());
                    in = resp.body();
                    try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        for (String line; (line = br.readLine()) != null; ) {
                            lines.add(line);
                        }
                    }
                } catch (Exception e) {
                    lines.add("error: " + e);
                }
            });
        }

        boolean has(String line) {
            return lines.contains(line);
        }

        @Override
        public void close() throws Exception {
            if (in != null) {
                in.close();
            }
            reader.interrupt();
        }
    }

    @Test
    void device_b_on_another_server_is_notified_of_device_a_push() throws Exception {
        String sub = user(), auth = token(sub), other = token(user());
        try (Stream deviceB = new Stream(b, auth); Stream stranger = new Stream(b, other)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> deviceB.has(": connected") && stranger.has(": connected"));
            assertThat(deviceB.lines).contains("status: 200");
            long v = Http.json(post(a, "/sync/v1/push", auth, batch("devA", op(1, "personnel", "pe-" + uid(), "upsert", 0, "{\"name\":\"Oak\"}"))))
                    .at("/results/0/version").asLong();
            await().atMost(Duration.ofSeconds(2)).until(() -> deviceB.has("data: {\"version\":" + v + "}"));
            assertThat(deviceB.lines).contains("event: change");
            assertThat(stranger.lines.stream().filter(l -> l.startsWith("data:")).collect(Collectors.toList())).isEmpty();
        }
    }

    @Test
    void sync_metrics_are_exported() {
        String auth = token(user());
        post(a, "/sync/v1/push", auth, batch("m", op(1, "players", "pm-" + uid(), "upsert", 0, "{\"name\":\"m\"}")));
        String metrics = Http.text(get(a, "/metrics", null));
        assertThat(metrics).contains("sync_pushes_total").contains("sync_operations_total").contains("sync_push_duration_seconds");
    }

}
