package dev.pokepedia.app.bench;

import static dev.pokepedia.app.bench.Latencies.percentileMs;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.core.Database;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Load for {@code /sync/v1}: {@code clients} devices (each its own user, on its own virtual thread) push batches of 50
 * varied operations back to back (new players and teams, rosters of the new teams, updates with the right
 * base_version, adjustments, games with events, deletes, usage logs) for a fixed time after a warm-up. Baselines in
 * the same run: the same rows as one bare multi-row INSERT per batch over JDBC with the same concurrency, and the HTTP
 * round trip of {@code /healthz}. Then the event latency: device B's SSE stream, device A pushes one operation, time
 * from sending the push to B reading the event.
 */
public final class SyncBenchmark {

    /** Latencies of one measured phase. */
    public record Phase(String name, long requests, long failures, double seconds, long opsPerRequest, double p50Ms, double p90Ms,
                        double p99Ms, double maxMs) {
        public double opsPerSecond() {
            return requests * opsPerRequest / seconds;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 50;

    private final URI base;
    private final String secret;
    private final Database db;
    private final int clients;
    private final Duration warmup;
    private final Duration duration;
    private final int eventSamples;
    private final Duration pace;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** @param pace for the paced phase, each device pushes one batch per this interval (open loop); null skips that phase */
    public SyncBenchmark(URI base, String secret, Database db, int clients, Duration warmup, Duration duration, int eventSamples,
                         Duration pace, PrintStream log) {
        this.pace = pace;
        this.base = base;
        this.secret = secret;
        this.db = db;
        this.clients = clients;
        this.warmup = warmup;
        this.duration = duration;
        this.eventSamples = eventSamples;
        this.log = log;
    }

    public List<Phase> run() throws Exception {
        List<Phase> out = new ArrayList<>();
        if (db != null) {
            log.printf("baseline: bare INSERT of 50 rows per transaction, %d clients, %d s …%n", clients, duration.toSeconds());
            load("warm-insert", warmup, this::bareInsertClient);
            out.add(load("bare INSERT, 50 rows/tx (JDBC)", duration, this::bareInsertClient));
        }
        log.printf("baseline: GET /healthz, %d clients …%n", clients);
        load("warm-http", warmup, this::healthClient);
        out.add(load("GET /healthz (HTTP floor)", duration, this::healthClient));
        log.printf("push: %d clients x batches of %d ops, warm-up %d s, measured %d s …%n", clients, BATCH, warmup.toSeconds(), duration.toSeconds());
        load("warm-push", warmup, this::pushClient);
        out.add(load("POST /sync/v1/push, 50 ops", duration, this::pushClient));
        if (pace != null) {
            log.printf("push, paced: each device one batch every %d ms …%n", pace.toMillis());
            out.add(load("push paced, 1 batch/" + pace.toMillis() + "ms/device", duration, this::pushClient));
        }
        log.printf("events: %d pushes of one op by device A, device B listening …%n", eventSamples);
        out.add(eventLatency());
        return out;
    }

    public static void print(List<Phase> phases, int clients, PrintStream out) {
        out.printf("%-38s %9s %9s %10s %8s %8s %8s %8s %7s%n", "phase (" + clients + " concurrent clients)", "requests", "req/s", "ops/s",
                "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
        for (Phase p : phases) {
            out.printf(Locale.ROOT, "%-38s %9d %9.0f %10.0f %8.2f %8.2f %8.2f %8.1f %7d%n", p.name(), p.requests(), p.requests() / p.seconds(),
                    p.opsPerSecond(), p.p50Ms(), p.p90Ms(), p.p99Ms(), p.maxMs(), p.failures());
        }
    }

    @FunctionalInterface
    private interface Client {
        /** Runs until {@code end}; returns [failures, latency…] in nanoseconds. */
        long[] run(int index, long end, String phase) throws Exception;
    }

    private Phase load(String name, Duration length, Client client) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        List<Future<long[]>> futures = new ArrayList<>();
        long started = System.nanoTime();
        // why platform threads: the load generator's 50 clients must not share two carrier threads with each other's
        // blocking JDBC calls (a borrowed connection whose virtual thread is not scheduled stalls the whole pool)
        try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
            for (int i = 0; i < clients; i++) {
                int index = i;
                futures.add(ex.submit(() -> client.run(index, end, name)));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                all.add(f.get());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long failures = all.stream().mapToLong(a -> a[0]).sum();
            long[] lat = all.stream().flatMapToLong(a -> Arrays.stream(a, 1, a.length)).sorted().toArray();
            long opsPer = name.contains("healthz") ? 0 : BATCH;
            seconds = Math.max(seconds, length.toNanos() / 1e9);
            return new Phase(name, lat.length, failures, seconds, opsPer, percentileMs(lat, .5), percentileMs(lat, .9), percentileMs(lat, .99),
                    lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
        }
    }

    private String token(String sub) {
        return "Bearer " + JWT.create().withSubject(sub).withClaim("role", "authenticated")
                .withExpiresAt(Instant.now().plusSeconds(3600)).sign(Algorithm.HMAC256(secret));
    }

    // --- the push client: one device of one user, tracking versions so updates and deletes are not conflicts ---

    private record Known(String type, String id, long version) {}

    private long[] pushClient(int index, long end, String phase) throws Exception {
        String user = "bench-" + run + "-" + phase + "-" + index;
        String auth = token(user);
        String clientId = UUID.randomUUID().toString();
        Deque<Known> players = new ArrayDeque<>();
        Deque<Known> adjustments = new ArrayDeque<>();
        long opId = 0;
        long seq = 0;
        LongList lat = new LongList();
        long failures = 0;
        Duration interval = phase.contains("paced") ? pace : null;
        // why a random start: paced devices spread over the interval instead of pushing in lock-step
        long next = System.nanoTime() + (interval == null ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(interval.toNanos()))
                - (interval == null ? 0 : interval.toNanos());
        try (RawHttp conn = new RawHttp(base)) {
        while (System.nanoTime() < end) {
            ObjectNode body = JSON.createObjectNode().put("client_id", clientId);
            ArrayNode ops = body.putArray("ops");
            String prefix = user + "-" + (seq++) + "-";
            List<String> newTeams = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                op(ops, ++opId, "players", prefix + "p" + i, "upsert", 0).putObject("payload").put("name", "Player " + i)
                        .put("jersey_number", i + 1).put("position", i % 2 == 0 ? "forward" : "defence");
            }
            for (int i = 0; i < 4; i++) {
                newTeams.add(prefix + "t" + i);
                op(ops, ++opId, "teams", prefix + "t" + i, "upsert", 0).putObject("payload").put("name", "Team " + i).put("color", "#c00");
            }
            for (int i = 0; i < 4; i++) {
                ObjectNode p = op(ops, ++opId, "team_rosters", prefix + "r" + i, "upsert", 0).putObject("payload").put("team_id", newTeams.get(i));
                ArrayNode roster = p.putArray("roster");
                for (int j = 0; j < 6; j++) {
                    roster.add(prefix + "p" + j);
                }
            }
            int updates = 0;
            for (Known k : players) {
                if (updates == 10) {
                    break;
                }
                op(ops, ++opId, "players", k.id(), "upsert", k.version()).putObject("payload").put("name", "Renamed " + seq)
                        .put("notes", "updated in batch " + seq);
                updates++;
            }
            for (int i = updates; i < 10; i++) {
                op(ops, ++opId, "players", prefix + "px" + i, "upsert", 0).putObject("payload").put("name", "Extra " + i);
            }
            for (int i = 0; i < 5; i++) {
                op(ops, ++opId, "player_adjustments", prefix + "a" + i, "upsert", 0).putObject("payload").put("player_id", prefix + "p" + i)
                        .put("goals_delta", i).put("note", "bench");
            }
            for (int i = 0; i < 5; i++) {
                ObjectNode g = op(ops, ++opId, "games", prefix + "g" + i, "upsert", 0).putObject("payload").put("opponent", "Rivals " + i)
                        .put("home_score", i).put("away_score", 1).put("team_id", newTeams.get(i % 4));
                ArrayNode events = g.putArray("events");
                for (int e = 0; e < 10; e++) {
                    events.addObject().put("type", e % 3 == 0 ? "goal" : "shot").put("time", e * 60).put("player_id", prefix + "p" + (e % 12));
                }
                g.putObject("tactical_data").put("formation", "4-4-2");
            }
            int deletes = 0;
            while (deletes < 5 && !adjustments.isEmpty()) {
                Known k = adjustments.poll();
                op(ops, ++opId, k.type(), k.id(), "delete", k.version());
                deletes++;
            }
            for (int i = deletes; i < 5; i++) {
                op(ops, ++opId, "usage_logs", prefix + "lx" + i, "upsert", 0).putObject("payload").put("provider", "bench").put("action", "extra");
            }
            for (int i = 0; i < 5; i++) {
                op(ops, ++opId, "usage_logs", prefix + "l" + i, "upsert", 0).putObject("payload").put("provider", "bench")
                        .put("action", "push").put("credits_consumed", i);
            }
            byte[] payload = JSON.writeValueAsBytes(body);
            if (interval != null) {
                next += interval.toNanos();
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // why: paced (open-loop) devices, not a test
                }
            }
            long t0 = System.nanoTime();
            RawHttp.Response resp = conn.send("POST", "/sync/v1/push", auth, payload);
            lat.add(System.nanoTime() - t0);
            if (resp.status() != 200) {
                failures++;
                if (failures <= 3) {
                    log.printf("push failed: %d %s%n", resp.status(), new String(resp.body(), StandardCharsets.UTF_8));
                }
                continue;
            }
            JsonNode results = JSON.readTree(resp.body()).path("results");
            List<Known> updated = new ArrayList<>();
            for (JsonNode r : results) {
                if (!"applied".equals(r.path("status").asText())) {
                    failures++;
                    continue;
                }
                String type = r.path("type").asText();
                Known k = new Known(type, r.path("id").asText(), r.path("version").asLong());
                if (type.equals("players")) {
                    updated.add(k);
                } else if (type.equals("player_adjustments")) {
                    adjustments.add(k);
                }
            }
            // keep the freshest versions of the players we know, newest first, bounded
            players.removeIf(p -> updated.stream().anyMatch(u -> u.id().equals(p.id())));
            updated.forEach(players::addFirst);
            while (players.size() > 40) {
                players.removeLast();
            }
        }
        }
        return lat.withHead(failures);
    }

    private static ObjectNode op(ArrayNode ops, long opId, String type, String id, String kind, long base) {
        return ops.addObject().put("op_id", opId).put("type", type).put("id", id).put("kind", kind).put("base_version", base)
                .put("hlc", String.format(Locale.ROOT, "%016d:%04d:bench", System.currentTimeMillis(), opId % 10_000));
    }

    // --- baselines ---

    private long[] healthClient(int index, long end, String phase) throws Exception {
        LongList lat = new LongList();
        long failures = 0;
        try (RawHttp conn = new RawHttp(base)) {
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                RawHttp.Response r = conn.send("GET", "/healthz", null, null);
                lat.add(System.nanoTime() - t0);
                if (r.status() != 200) {
                    failures++;
                }
            }
        }
        return lat.withHead(failures);
    }

    /** The rows of a push (50 ids with a JSON payload of similar size) as one bare multi-row INSERT in its own transaction. */
    private long[] bareInsertClient(int index, long end, String phase) throws Exception {
        LongList lat = new LongList();
        long seq = 0;
        String user = "bench-" + run + "-" + phase + "-" + index;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_bench_baseline (id, user_id, payload) VALUES (?, ?, ?::jsonb)")) {
                    for (int i = 0; i < BATCH; i++) {
                        ps.setString(1, user + "-" + seq + "-" + i);
                        ps.setString(2, user);
                        ps.setString(3, "{\"name\":\"Player " + i + "\",\"jersey_number\":" + i + ",\"position\":\"forward\",\"events\":["
                                + "{\"type\":\"goal\",\"time\":60}".repeat(1) + "]}");
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            }
            seq++;
            lat.add(System.nanoTime() - t0);
        }
        return lat.withHead(0);
    }

    /** Creates the baseline's plain table (no RLS, no triggers, a primary key like the entity tables). */
    public static void prepareBaseline(Database db) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS sync_bench_baseline (id text PRIMARY KEY, user_id text NOT NULL, payload jsonb NOT NULL, "
                    + "version bigint NOT NULL DEFAULT nextval('sync_version_seq'), updated_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    public static void dropBaseline(Database db) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS sync_bench_baseline");
        }
    }

    // --- event latency ---

    private Phase eventLatency() throws Exception {
        String user = "bench-" + run + "-events";
        String auth = token(user);
        LinkedBlockingQueue<long[]> events = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Boolean> connected = new LinkedBlockingQueue<>();
        HttpRequest sse = HttpRequest.newBuilder(base.resolve("/sync/v1/events")).header("Authorization", auth)
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> stream = http.send(sse, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = br.readLine()) != null; ) {
                    long now = System.nanoTime();
                    if (line.equals(": connected")) {
                        connected.add(true);
                    } else if (line.startsWith("data: ")) {
                        events.add(new long[] {JSON.readTree(line.substring(6)).path("version").asLong(), now});
                    }
                }
            } catch (Exception e) {
                // the stream is closed at the end
            }
        });
        if (connected.poll(10, TimeUnit.SECONDS) == null) {
            throw new IllegalStateException("the event stream did not connect (status " + stream.statusCode() + ")");
        }
        String deviceA = token(user);
        String clientId = UUID.randomUUID().toString();
        LongList lat = new LongList();
        long failures = 0;
        long started = System.nanoTime();
        RawHttp conn = new RawHttp(base);
        for (int i = 0; i < eventSamples; i++) {
            String body = "{\"client_id\":\"" + clientId + "\",\"ops\":[{\"op_id\":" + (i + 1) + ",\"type\":\"usage_logs\",\"id\":\"" + user + "-"
                    + i + "\",\"kind\":\"upsert\",\"base_version\":0,\"payload\":{\"provider\":\"bench\",\"action\":\"event\"}}]}";
            long t0 = System.nanoTime();
            RawHttp.Response r = conn.send("POST", "/sync/v1/push", deviceA, body.getBytes(StandardCharsets.UTF_8));
            if (r.status() != 200) {
                failures++;
                continue;
            }
            long version = JSON.readTree(r.body()).at("/results/0/version").asLong();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                long[] e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (e != null && e[0] >= version) {
                    lat.add(e[1] - t0);
                    seen = true;
                }
            }
            if (!seen) {
                failures++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        conn.close();
        stream.body().close();
        reader.interrupt();
        long[] sorted = Arrays.stream(lat.withHead(0), 1, lat.size() + 1).sorted().toArray();
        return new Phase("event: A push sent -> B notified", sorted.length, failures, seconds, 1, percentileMs(sorted, .5), percentileMs(sorted, .9),
                percentileMs(sorted, .99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    /** A growable long array: latencies without boxing. */
    private static final class LongList {
        private long[] a = new long[1024];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long[] withHead(long head) {
            long[] out = new long[n + 1];
            out[0] = head;
            System.arraycopy(a, 0, out, 1, n);
            return out;
        }
    }
}
