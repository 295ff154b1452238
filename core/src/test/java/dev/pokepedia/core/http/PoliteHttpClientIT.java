package dev.pokepedia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.pokepedia.core.Backoff;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PoliteHttpClient}'s limits against a real HTTP server on a free port; waits go through a fake ticker. */
class PoliteHttpClientIT {

    private static final Instant NOW = Instant.parse("2026-07-10T12:00:00Z");

    private HttpServer server;
    private ExecutorService serverThreads;
    private int port;
    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    /** Handlers that hold or trickle stop when the test ends. */
    private final CountDownLatch testOver = new CountDownLatch(1);
    private final FakeTicker ticker = new FakeTicker();
    private final List<PoliteHttpClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(0), 0); // every interface: "localhost" is a second host name
        serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(serverThreads);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            routes.getOrDefault(path, x -> send(x, 404, "application/json", "{\"detail\": \"Not found.\"}")).handle(ex);
            ex.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        testOver.countDown();
        clients.forEach(PoliteHttpClient::close);
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @Test
    void neverMoreRequestsInFlightThanTheCap() throws Exception {
        AtomicInteger inServer = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch threeArrived = new CountDownLatch(3);
        CountDownLatch fourthArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        routes.put("/held", ex -> {
            int now = inServer.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            threeArrived.countDown();
            if (now > 3) {
                fourthArrived.countDown();
            }
            await(release, 30_000);
            inServer.decrementAndGet();
            send(ex, 200, "application/json", "{}");
        });
        PoliteHttpClient client = client(PoliteHttpConfig.defaults().withMaxInFlight(3).withRate(0, PoliteHttpConfig.RateScope.PER_HOST));

        List<Future<HttpOutcome>> gets = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10; i++) {
                gets.add(callers.submit(() -> client.get(uri("127.0.0.1", "/held"), Wanted.json(), Map.of())));
            }
            try {
                assertThat(threeArrived.await(10, TimeUnit.SECONDS)).as("three requests reached the server").isTrue();
                // the server holds all of them: without the cap the other seven would arrive now
                assertThat(fourthArrived.await(300, TimeUnit.MILLISECONDS)).as("a fourth request while three are held").isFalse();
                assertThat(client.requests()).isEqualTo(3);
            } finally {
                release.countDown();
            }
        }

        for (Future<HttpOutcome> get : gets) {
            assertThat(get.get()).isInstanceOf(HttpOutcome.Ok.class);
        }
        assertThat(most.get()).isEqualTo(3);
        assertThat(hits.get("/held").get()).isEqualTo(10);
    }

    @Test
    void requestsToOneHostAreSpacedByTheRateAndOtherHostsDoNotWait() throws Exception {
        routes.put("/doc", ex -> send(ex, 200, "application/json", "{}"));
        PoliteHttpClient client = client(PoliteHttpConfig.defaults().withRate(10, PoliteHttpConfig.RateScope.PER_HOST));

        for (int i = 0; i < 5; i++) {
            assertThat(client.get(uri("127.0.0.1", "/doc"), Wanted.json(), Map.of())).isInstanceOf(HttpOutcome.Ok.class);
        }
        assertThat(ticker.sleeps()).as("the first goes at once, then one every 100 ms").containsExactly(
                Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100));

        client.get(uri("localhost", "/doc"), Wanted.json(), Map.of());
        assertThat(ticker.sleeps()).as("another host has its own allowance").hasSize(4);
        assertThat(hits.get("/doc").get()).isEqualTo(6);
    }

    @Test
    void aRateForTheWholeClientSpacesRequestsToEveryHost() throws Exception {
        routes.put("/doc", ex -> send(ex, 200, "application/json", "{}"));
        PoliteHttpClient client = client(PoliteHttpConfig.defaults().withRate(4, PoliteHttpConfig.RateScope.WHOLE_CLIENT));

        client.get(uri("127.0.0.1", "/doc"), Wanted.json(), Map.of());
        client.get(uri("localhost", "/doc"), Wanted.json(), Map.of());

        assertThat(ticker.sleeps()).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void retryAfterInSecondsIsWaitedExactlyNotJittered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        routes.put("/busy", ex -> {
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Retry-After", "7");
                send(ex, 429, "application/json", "{\"detail\": \"slow down\"}");
            } else {
                send(ex, 200, "application/json", "{\"id\": 1}");
            }
        });
        PoliteHttpClient client = client(noRate());

        HttpOutcome outcome = client.get(uri("127.0.0.1", "/busy"), Wanted.json(), Map.of());

        assertThat(outcome).isInstanceOfSatisfying(HttpOutcome.Ok.class, ok -> {
            assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\": 1}");
            assertThat(ok.attempts()).isEqualTo(2);
        });
        assertThat(ticker.sleeps()).containsExactly(Duration.ofSeconds(7));
        assertThat(client.retries()).isOne();
    }

    @Test
    void retryAfterAsAnHttpDateIsWaitedUntilThenByTheInjectedClock() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        routes.put("/maintenance", ex -> {
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Retry-After",
                        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(NOW.plusSeconds(30), ZoneOffset.UTC)));
                send(ex, 503, "text/plain", "maintenance");
            } else {
                send(ex, 200, "application/json", "{}");
            }
        });
        PoliteHttpClient client = client(noRate());

        assertThat(client.get(uri("127.0.0.1", "/maintenance"), Wanted.json(), Map.of())).isInstanceOf(HttpOutcome.Ok.class);

        assertThat(ticker.sleeps()).containsExactly(Duration.ofSeconds(30));
    }

    @Test
    void aRetryAfterOverTheCapIsWaitedOnlyUpToItOrGivenBackAtOnce() throws Exception {
        routes.put("/later", ex -> {
            ex.getResponseHeaders().add("Retry-After", "120");
            send(ex, 503, "text/plain", "later");
        });
        PoliteHttpClient waits = client(noRate().withRetries(2, fastBackoff())
                .withRetryAfter(Duration.ofSeconds(60), PoliteHttpConfig.LongRetryAfter.WAIT_THE_CAP));

        HttpOutcome waited = waits.get(uri("127.0.0.1", "/later"), Wanted.json(), Map.of());

        assertThat(ticker.sleeps()).containsExactly(Duration.ofSeconds(60));
        assertThat(waited).isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> assertThat(f.attempts()).isEqualTo(2));

        PoliteHttpClient givesBack = client(noRate().withRetries(2, fastBackoff())
                .withRetryAfter(Duration.ofSeconds(60), PoliteHttpConfig.LongRetryAfter.GIVE_BACK));

        HttpOutcome givenBack = givesBack.get(uri("127.0.0.1", "/later"), Wanted.json(), Map.of());

        assertThat(givenBack).isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> {
            assertThat(f.attempts()).isOne();
            assertThat(f.retryAfter()).as("the server's own delay, for the caller to wait out").isEqualTo(Duration.ofSeconds(120));
            assertThat(f.problem().retryable()).isTrue();
            assertThat(f.message()).isEqualTo(uri("127.0.0.1", "/later") + ": HTTP 503 (Retry-After 120 s) after 1 attempt");
        });
        assertThat(ticker.sleeps()).as("no further waiting").hasSize(1);
        assertThat(hits.get("/later").get()).isEqualTo(3);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenGivenUpWithAMessageNamingTheUrl() throws Exception {
        routes.put("/down", ex -> send(ex, 503, "text/plain", "down"));
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(250), 1.0);
        PoliteHttpClient client = client(noRate().withRetries(4, backoff));
        URI down = uri("127.0.0.1", "/down");

        HttpOutcome outcome = client.get(down, Wanted.json(), Map.of());

        assertThat(outcome).isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> {
            assertThat(f.message()).isEqualTo(down + ": HTTP 503 after 4 attempts");
            assertThat(f.problem()).isEqualTo(new HttpProblem.Status(503, null));
        });
        assertThat(hits.get("/down").get()).isEqualTo(4);
        assertThat(client.retries()).isEqualTo(3);
        List<Duration> sleeps = ticker.sleeps();
        assertThat(sleeps).hasSize(3);
        assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(200));
        assertThat(sleeps.get(2)).as("capped at the maximum").isBetween(Duration.ZERO, Duration.ofMillis(250));
    }

    @Test
    void statusesAreTriagedIntoOkGoneRetriedAndPermanent() throws Exception {
        routes.put("/ok", ex -> send(ex, 200, "application/json", "{}"));
        routes.put("/gone", ex -> send(ex, 410, "application/json", "{}"));
        routes.put("/same", ex -> {
            assertThat(ex.getRequestHeaders().getFirst("If-None-Match")).isEqualTo("\"v1\"");
            ex.sendResponseHeaders(304, -1);
        });
        routes.put("/forbidden", ex -> send(ex, 403, "application/json", "{}"));
        PoliteHttpClient client = client(noRate().withRetries(3, fastBackoff()));

        assertThat(client.get(uri("127.0.0.1", "/ok"), Wanted.json(), Map.of())).isInstanceOf(HttpOutcome.Ok.class);
        assertThat(client.get(uri("127.0.0.1", "/missing"), Wanted.json(), Map.of()))
                .isEqualTo(new HttpOutcome.Gone(uri("127.0.0.1", "/missing"), 404, 1));
        assertThat(client.get(uri("127.0.0.1", "/gone"), Wanted.json(), Map.of()))
                .isEqualTo(new HttpOutcome.Gone(uri("127.0.0.1", "/gone"), 410, 1));
        assertThat(client.get(uri("127.0.0.1", "/same"), Wanted.json(), Map.of("If-None-Match", "\"v1\"")))
                .isInstanceOfSatisfying(HttpOutcome.Ok.class, ok -> assertThat(ok.notModified()).isTrue());
        assertThat(client.get(uri("127.0.0.1", "/forbidden"), Wanted.json(), Map.of()))
                .isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> {
                    assertThat(f.message()).isEqualTo(uri("127.0.0.1", "/forbidden") + " answered HTTP 403");
                    assertThat(f.problem().retryable()).isFalse();
                });
        assertThat(hits.get("/forbidden").get()).as("a 4xx is not retried").isOne();
        assertThat(client.retries()).isZero();
    }

    @Test
    void theAnswerTimeoutBoundsABodyThatTricklesIn() throws Exception {
        AtomicLong written = new AtomicLong();
        routes.put("/trickle", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 10_000);
            OutputStream out = ex.getResponseBody();
            try {
                // a byte every 20 ms: each read succeeds, the whole would take 200 s
                while (written.get() < 10_000 && !testOver.await(20, TimeUnit.MILLISECONDS)) {
                    out.write(' ');
                    out.flush();
                    written.incrementAndGet();
                }
            } catch (IOException | InterruptedException stoppedByTheClient) {
                // the point of the test
            }
        });
        PoliteHttpClient client = client(noRate().withRetries(1, fastBackoff())
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300)));
        long start = System.nanoTime();

        HttpOutcome outcome = client.get(uri("127.0.0.1", "/trickle"), Wanted.json(), Map.of());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(outcome).isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> {
            assertThat(f.message()).isEqualTo(uri("127.0.0.1", "/trickle") + ": no complete answer within 300 ms after 1 attempt");
            assertThat(f.problem().retryable()).isTrue();
        });
        assertThat(written.get()).as("bytes trickled before the client gave up").isPositive().isLessThan(10_000);
    }

    @Test
    void theSizeLimitTripsMidStreamWithoutReadingTheWholeBody() throws Exception {
        long limit = 64 << 10;
        long endless = 64L << 20; // far more than socket buffers hold, so a stopped reader stops the writer
        AtomicLong written = new AtomicLong();
        CountDownLatch writerDone = new CountDownLatch(1);
        routes.put("/endless", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0); // chunked: no length to judge by in advance
            byte[] chunk = new byte[16 << 10];
            Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = ex.getResponseBody()) {
                while (written.get() < endless) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException stoppedByTheClient) {
                // the point of the test
            } finally {
                writerDone.countDown();
            }
        });
        routes.put("/declared", ex -> send(ex, 200, "application/json", " ".repeat((int) limit + 1)));
        PoliteHttpClient client = client(noRate().withMaxBytes(limit).withRetries(3, fastBackoff()));

        HttpOutcome streamed = client.get(uri("127.0.0.1", "/endless"), Wanted.json(), Map.of());

        assertThat(streamed).isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> {
            assertThat(f.problem()).isEqualTo(new HttpProblem.TooLarge(limit, -1));
            assertThat(f.message()).isEqualTo(uri("127.0.0.1", "/endless") + " answered a body larger than the 65536-byte limit");
        });
        assertThat(writerDone.await(30, TimeUnit.SECONDS)).as("the server's writer ended").isTrue();
        assertThat(written.get()).as("bytes the server got to write before the client hung up").isLessThan(endless);

        HttpOutcome declared = client.get(uri("127.0.0.1", "/declared"), Wanted.json(), Map.of());

        assertThat(declared).isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> assertThat(f.message())
                .endsWith(" answered a body larger than the 65536-byte limit (Content-Length " + (limit + 1) + ")"));
        assertThat(hits.get("/endless").get() + hits.get("/declared").get()).as("a body too large is not retried").isEqualTo(2);
    }

    @Test
    void anHtmlPageWhereJsonWasWantedIsReportedClearlyAndNotRetriedHere() throws Exception {
        routes.put("/portal", ex -> send(ex, 200, "text/html; charset=utf-8", "<!doctype html><p>Sign in to the Wi-Fi</p>"));
        routes.put("/disguised", ex -> send(ex, 200, "application/json", "\n  <html><body>Oops</body></html>"));
        routes.put("/sprite.svg", ex -> send(ex, 200, "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        routes.put("/file", ex -> send(ex, 200, "application/octet-stream", "\uFEFF<!DOCTYPE html><html></html>"));
        PoliteHttpClient client = client(noRate().withRetries(3, fastBackoff()));

        HttpOutcome portal = client.get(uri("127.0.0.1", "/portal"), Wanted.json(), Map.of());
        HttpOutcome disguised = client.get(uri("127.0.0.1", "/disguised"), Wanted.json(), Map.of());
        HttpOutcome svg = client.get(uri("127.0.0.1", "/sprite.svg"), Wanted.bytes("an image", "image/*"), Map.of());
        HttpOutcome file = client.get(uri("127.0.0.1", "/file"), Wanted.bytes("the file", "*/*"), Map.of());

        assertThat(portal).isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> {
            assertThat(f.message()).isEqualTo(uri("127.0.0.1", "/portal")
                    + " answered an HTML page instead of JSON (content type text/html; charset=utf-8)");
            assertThat(f.problem().retryable()).as("worth asking again later").isTrue();
        });
        assertThat(disguised).isInstanceOfSatisfying(HttpOutcome.Failed.class, f -> assertThat(f.message())
                .isEqualTo(uri("127.0.0.1", "/disguised") + " answered an HTML page instead of JSON (content type application/json)"));
        assertThat(svg).as("an SVG starts with markup too, and is an image").isInstanceOf(HttpOutcome.Ok.class);
        assertThat(file).isInstanceOfSatisfying(HttpOutcome.Failed.class,
                f -> assertThat(f.problem()).isInstanceOf(HttpProblem.Html.class));
        assertThat(hits.get("/portal").get() + hits.get("/disguised").get()).as("not retried inline").isEqualTo(2);
        assertThat(ticker.sleeps()).isEmpty();
    }

    @Test
    void anInterruptWhileWaitingForTheAnswerEndsTheGetAtOnce() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        routes.put("/hang", ex -> {
            arrived.countDown();
            await(testOver, 30_000);
        });
        PoliteHttpClient client = client(noRate());
        AtomicInteger interrupted = new AtomicInteger();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                client.get(uri("127.0.0.1", "/hang"), Wanted.json(), Map.of());
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();

        assertThat(caller.join(Duration.ofSeconds(5))).as("the GET ended").isTrue();
        assertThat(interrupted.get()).isOne();
    }

    // ---- helpers ----

    private PoliteHttpClient client(PoliteHttpConfig config) {
        PoliteHttpClient client = new PoliteHttpClient(config, Clock.fixed(NOW, ZoneOffset.UTC), ticker, PoliteHttpClient.Listener.NONE);
        clients.add(client);
        return client;
    }

    private static PoliteHttpConfig noRate() {
        return PoliteHttpConfig.defaults().withRate(0, PoliteHttpConfig.RateScope.PER_HOST);
    }

    private static Backoff fastBackoff() {
        return new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), 1.0);
    }

    private URI uri(String host, String path) {
        return URI.create("http://" + host + ":" + port + path);
    }

    private static void await(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }
}
