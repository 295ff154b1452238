package dev.pokepedia.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import dev.pokepedia.queue.ArchivedMessage;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.testkit.FreshDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream that misbehaves per document: an HTML page with status 200, malformed JSON, a redirect loop, a 429
 * with Retry-After, a body cut short. Each gets a clear outcome; good documents keep flowing; nothing is stored twice.
 */
class HostileUpstreamIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @TempDir
    Path storage;

    private HttpServer server;
    private String base;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    private static final List<String> TYPES = List.of("1", "2", "3", "4", "5", "6");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/api/v2/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String query = x.getRequestURI().getQuery();
        int n = hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        switch (path) {
            case "/api/v2/" -> json(x, "{\"type\": \"" + base + "/api/v2/type/\"}");
            case "/api/v2/type/" -> {
                StringBuilder results = new StringBuilder();
                if (query != null && !query.startsWith("limit=1&") && !query.equals("limit=1")) {
                    for (String id : TYPES) {
                        results.append(results.isEmpty() ? "" : ",").append("{\"name\": \"t").append(id).append("\", \"url\": \"")
                                .append(base).append("/api/v2/type/").append(id).append("/\"}");
                    }
                }
                json(x, "{\"count\": " + TYPES.size() + ", \"next\": null, \"previous\": null, \"results\": [" + results + "]}");
            }
            case "/api/v2/type/1/" -> json(x, doc(1));
            case "/api/v2/type/2/" -> send(x, 200, "text/html", "<!doctype html><html><body>Cloudflare says hi</body></html>");
            case "/api/v2/type/3/" -> json(x, "{\"id\": 3, \"name\": ");
            case "/api/v2/type/4/" -> {
                x.getResponseHeaders().add("Location", "/api/v2/type/4/");
                x.sendResponseHeaders(302, -1);
                x.close();
            }
            case "/api/v2/type/5/" -> {
                if (n == 1) {
                    x.getResponseHeaders().add("Retry-After", "1");
                    send(x, 429, "application/json", "{\"detail\": \"slow down\"}");
                } else {
                    json(x, doc(5));
                }
            }
            case "/api/v2/type/6/" -> {
                if (n == 1) {
                    byte[] body = doc(6).getBytes(StandardCharsets.UTF_8);
                    x.getResponseHeaders().add("Content-Type", "application/json");
                    x.sendResponseHeaders(200, body.length);
                    x.getResponseBody().write(body, 0, body.length / 2); // cut short: the connection closes mid-body
                    x.close();
                } else {
                    json(x, doc(6));
                }
            }
            default -> send(x, 404, "application/json", "{\"detail\": \"Not found.\"}");
        }
    }

    private static String doc(int id) {
        return "{\"id\": " + id + ", \"name\": \"t" + id + "\", \"names\": [], \"moves\": [], \"pokemon\": [], \"damage_relations\": {}}";
    }

    private static void json(HttpExchange x, String body) throws IOException {
        send(x, 200, "application/json", body);
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @Test
    void badDocumentsAreDeadLetteredWithTheReasonWhileGoodOnesAreStoredOnce() throws Exception {
        LiveConfig config = LiveConfig.defaults().withMaxAttempts(3).withRetryDelay(Duration.ofMillis(50))
                .withHttp(UpstreamOptions.defaults().withRate(0).withBackoff(Duration.ofMillis(20), Duration.ofMillis(100)));
        try (Queues queues = Queues.open(db.database());
             ObjectStore objects = ObjectStores.open(storage.toUri().toString(), storage, Map.of());
             LivePath live = new LivePath(db.database(), queues, objects, config, new SimpleMeterRegistry(), Clock.systemUTC())) {
            assertThat(live.seed(base, Set.of()).enqueued()).isEqualTo(6);
            live.start(Set.of(LiveQueues.INGEST));
            live.awaitDrained(Set.of(LiveQueues.INGEST), Duration.ofMillis(50));
            live.shutdown(Duration.ofSeconds(5));

            assertThat(LiveFixtures.liveShas(db.database()).keySet()).containsExactly("type/1", "type/5", "type/6");
            assertThat(LiveFixtures.count(db.database(), "SELECT count(*) FROM pokepedia_types")).isEqualTo(3);
            List<ArchivedMessage> dead = queues.deadLetters(LiveQueues.INGEST, 10);
            assertThat(dead).hasSize(3);
            assertThat(reason(dead, "/api/v2/type/2/")).contains("HTML page with status 200");
            assertThat(reason(dead, "/api/v2/type/3/")).contains("not a JSON document");
            assertThat(reason(dead, "/api/v2/type/4/")).contains("redirect loop");
            // a redirect loop cannot heal by retrying: dead-lettered on its first attempt
            assertThat(dead.stream().filter(d -> d.body().contains("type/4")).findFirst().orElseThrow().readCount()).isEqualTo(1);
            assertThat(live.upstream().retries()).isPositive();
        }
    }

    private static String reason(List<ArchivedMessage> dead, String path) {
        return dead.stream().filter(d -> d.body().contains(path)).findFirst().orElseThrow().lastError();
    }
}
