package dev.pokepedia.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.pokepedia.media.internal.HttpAssetSource;
import dev.pokepedia.media.internal.HttpSourceOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpAssetSource} against a real HTTP server on 127.0.0.1 serving real sprite and cry files
 * ({@code src/test/resources/fixtures/media}, the upstream repository layout) plus scripted misbehaviour.
 */
class HttpAssetSourceIT {

    private static final String GIF_25 = "sprites/pokemon/versions/generation-v/black-white/animated/25.gif";
    private static final String GIF_1 = "sprites/pokemon/versions/generation-v/black-white/animated/1.gif";
    private static final String SVG_25 = "sprites/pokemon/other/dream-world/25.svg";
    private static final String OGG_25 = "cries/pokemon/latest/25.ogg";

    private HttpServer server;
    private ExecutorService serverThreads;
    private String root;
    /** Scripted answers by request path; everything else is served from the fixtures under /mirror/. */
    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    /** System.nanoTime of every request, by path, taken when the server received it. */
    private final Map<String, List<Long>> hits = new ConcurrentHashMap<>();
    private final List<String> userAgents = Collections.synchronizedList(new ArrayList<>());
    /** Handlers that must hang wait on this; counted down when the test ends. */
    private final CountDownLatch testOver = new CountDownLatch(1);
    private final List<HttpAssetSource> sources = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime());
            userAgents.add(exchange.getRequestHeaders().getFirst("User-Agent"));
            // why: an exception out of a handler makes the server drop the connection, which cutShort relies on
            routes.getOrDefault(path, this::serveFixture).handle(exchange);
            exchange.close();
        });
        server.start();
        root = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        testOver.countDown();
        sources.forEach(HttpAssetSource::close);
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @Test
    void mirrorBaseServesTheRealFilesByteForByte() throws Exception {
        HttpAssetSource source = source(fast()); // base ends with a slash: no double slash in the URLs
        List<Asset> wanted = List.of(sprite(1, GIF_25), sprite(2, GIF_1), sprite(3, SVG_25), cry(4, OGG_25));
        RecordingSink sink = new RecordingSink();

        source.deliver(wanted, sink);

        assertThat(sink.missing).isEmpty();
        assertThat(sink.failed).isEmpty();
        assertThat(sink.found.get(1L)).isEqualTo(fixture(GIF_25));
        assertThat(sink.found.get(2L)).isEqualTo(fixture(GIF_1));
        assertThat(sink.found.get(3L)).isEqualTo(fixture(SVG_25));
        assertThat(sink.found.get(4L)).isEqualTo(fixture(OGG_25));
        assertThat(sink.callsPerAsset()).containsOnlyKeys(1L, 2L, 3L, 4L).allSatisfy((id, n) -> assertThat(n).isOne());
        assertThat(hits).containsOnlyKeys("/mirror/" + GIF_25, "/mirror/" + GIF_1, "/mirror/" + SVG_25, "/mirror/" + OGG_25);
        assertThat(userAgents).containsOnly(HttpSourceOptions.DEFAULT_USER_AGENT);
        assertThat(source.retries()).isZero();
        assertThat(source.requests()).isEqualTo(4);
    }

    @Test
    void withoutMirrorEachAssetIsFetchedFromItsOwnUrl() throws Exception {
        String upstream = "/PokeAPI/sprites/master/" + GIF_25;
        routes.put(upstream, ex -> send(ex, 200, "image/gif", fixture(GIF_25)));
        HttpAssetSource source = source(fast().withMirrorBase(null).withUserAgent("pokepedia-test/1"));
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(new Asset(7, Asset.SPRITES_BUCKET, GIF_25, root + upstream, AssetKind.SPRITE, AssetStatus.PENDING, null)), sink);

        assertThat(sink.found.get(7L)).isEqualTo(fixture(GIF_25));
        assertThat(hits).containsOnlyKeys(upstream);
        assertThat(userAgents).containsExactly("pokepedia-test/1");
    }

    @Test
    void notFoundAndGoneAreMissingWithoutRetries() throws Exception {
        routes.put("/mirror/sprites/pokemon/10999.png", ex -> send(ex, 410, "text/plain", bytes("gone")));
        HttpAssetSource source = source(fast());
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, "sprites/pokemon/9999.png"), sprite(2, "sprites/pokemon/10999.png")), sink);

        assertThat(sink.missing).containsExactlyInAnyOrderEntriesOf(Map.of(
                1L, root + "/mirror/sprites/pokemon/9999.png answered 404",
                2L, root + "/mirror/sprites/pokemon/10999.png answered 410"));
        assertThat(sink.found).isEmpty();
        assertThat(sink.failed).isEmpty();
        assertThat(hitCount("/mirror/sprites/pokemon/9999.png")).isOne();
        assertThat(hitCount("/mirror/sprites/pokemon/10999.png")).isOne();
        assertThat(source.retries()).isZero();
    }

    @Test
    void tooManyRequestsWithRetryAfterSecondsWaitsThatLongThenSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        routes.put("/mirror/" + GIF_25, ex -> {
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Retry-After", "1");
                send(ex, 429, "text/plain", bytes("slow down"));
            } else {
                send(ex, 200, "image/gif", fixture(GIF_25));
            }
        });
        HttpAssetSource source = source(fast()); // backoff is 5..20 ms: only Retry-After explains a 1 s gap
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, GIF_25)), sink);

        assertThat(sink.found.get(1L)).isEqualTo(fixture(GIF_25));
        List<Long> times = hits.get("/mirror/" + GIF_25);
        assertThat(times).hasSize(2);
        assertThat(Duration.ofNanos(times.get(1) - times.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(source.retries()).isOne();
    }

    @Test
    void serviceUnavailableWithRetryAfterDateWaitsUntilThen() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        routes.put("/mirror/" + OGG_25, ex -> {
            if (calls.incrementAndGet() == 1) {
                // HTTP-dates have whole seconds: now + 2 s truncated is at least 1 s ahead
                String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
                ex.getResponseHeaders().add("Retry-After", at);
                send(ex, 503, "text/plain", bytes("maintenance"));
            } else {
                send(ex, 200, "audio/ogg", fixture(OGG_25));
            }
        });
        HttpAssetSource source = source(fast());
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(cry(1, OGG_25)), sink);

        assertThat(sink.found.get(1L)).isEqualTo(fixture(OGG_25));
        List<Long> times = hits.get("/mirror/" + OGG_25);
        assertThat(times).hasSize(2);
        assertThat(Duration.ofNanos(times.get(1) - times.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void persistentServiceUnavailableFailsAfterMaxAttempts() throws Exception {
        routes.put("/mirror/" + GIF_1, ex -> send(ex, 503, "text/plain", bytes("down")));
        HttpAssetSource source = source(fast().withMaxAttempts(3));
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, GIF_1)), sink);

        assertThat(sink.failed).containsExactly(Map.entry(1L, root + "/mirror/" + GIF_1 + ": HTTP 503 after 3 attempts"));
        assertThat(hitCount("/mirror/" + GIF_1)).isEqualTo(3);
        assertThat(source.retries()).isEqualTo(2);
        assertThat(sink.found).isEmpty();
        assertThat(sink.missing).isEmpty();
    }

    @Test
    void anHtmlPageInsteadOfTheFileFailsWithoutRetries() throws Exception {
        routes.put("/mirror/sprites/pokemon/25.png",
                ex -> send(ex, 200, "text/html; charset=utf-8", bytes("<p>Please sign in to the guest Wi-Fi</p>")));
        routes.put("/mirror/cries/pokemon/latest/1.ogg",
                ex -> send(ex, 200, "application/octet-stream", bytes("\n  <!DOCTYPE html><html><body>Oops</body></html>")));
        HttpAssetSource source = source(fast());
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, "sprites/pokemon/25.png"), cry(2, "cries/pokemon/latest/1.ogg")), sink);

        assertThat(sink.failed.get(1L)).isEqualTo(root + "/mirror/sprites/pokemon/25.png answered an HTML page instead of "
                + "an image (content type text/html; charset=utf-8)");
        assertThat(sink.failed.get(2L)).startsWith(root + "/mirror/cries/pokemon/latest/1.ogg answered an HTML page instead of audio");
        assertThat(sink.found).isEmpty();
        assertThat(hitCount("/mirror/sprites/pokemon/25.png")).isOne();
        assertThat(hitCount("/mirror/cries/pokemon/latest/1.ogg")).isOne();
        assertThat(source.retries()).isZero();
    }

    @Test
    void aBodyOverTheLimitFailsWhetherDeclaredOrStreamed() throws Exception {
        byte[] big = filled(5_000);
        byte[] exact = filled(1_000);
        routes.put("/mirror/declared.gif", ex -> send(ex, 200, "image/gif", big)); // Content-Length: 5000
        routes.put("/mirror/streamed.gif", ex -> {
            ex.getResponseHeaders().add("Content-Type", "image/gif");
            ex.sendResponseHeaders(200, 0); // chunked: the size shows only while reading
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 50; i++) {
                    out.write(big, 0, 100);
                    out.flush();
                }
            }
        });
        routes.put("/mirror/exact.gif", ex -> send(ex, 200, "image/gif", exact));
        HttpAssetSource source = source(fast().withMaxBytes(1_000));
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, "declared.gif"), sprite(2, "streamed.gif"), sprite(3, "exact.gif")), sink);

        assertThat(sink.failed.get(1L)).isEqualTo(root + "/mirror/declared.gif answered a body larger than the "
                + "1000-byte limit (Content-Length 5000)");
        assertThat(sink.failed.get(2L)).isEqualTo(root + "/mirror/streamed.gif answered a body larger than the 1000-byte limit");
        assertThat(sink.found.get(3L)).isEqualTo(exact);
        assertThat(source.retries()).isZero();
    }

    @Test
    void aBodyCutShortIsRetriedAndTheNextAttemptWins() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        byte[] gif = fixture(GIF_25);
        routes.put("/mirror/" + GIF_25, ex -> {
            if (calls.incrementAndGet() == 1) {
                cutShort(ex, gif);
            } else {
                send(ex, 200, "image/gif", gif);
            }
        });
        HttpAssetSource source = source(fast());
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, GIF_25)), sink);

        assertThat(sink.failed).isEmpty();
        assertThat(sink.found.get(1L)).isEqualTo(gif);
        assertThat(hitCount("/mirror/" + GIF_25)).isEqualTo(2);
        assertThat(source.retries()).isOne();
    }

    @Test
    void aBodyCutShortEveryTimeFailsAfterMaxAttempts() throws Exception {
        byte[] ogg = fixture(OGG_25);
        routes.put("/mirror/" + OGG_25, ex -> cutShort(ex, ogg));
        HttpAssetSource source = source(fast().withMaxAttempts(2));
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(cry(1, OGG_25)), sink);

        assertThat(sink.failed.get(1L)).startsWith(root + "/mirror/" + OGG_25 + ": connection broke off").endsWith("after 2 attempts");
        assertThat(hitCount("/mirror/" + OGG_25)).isEqualTo(2);
        assertThat(sink.found).isEmpty();
    }

    @Test
    void noMoreThanConcurrencyRequestsAreInFlight() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        byte[] gif = fixture(GIF_1);
        List<Asset> wanted = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String path = "sprites/pokemon/slow/" + i + ".gif";
            wanted.add(sprite(i, path));
            routes.put("/mirror/" + path, ex -> {
                int now = inFlight.incrementAndGet();
                maxInFlight.accumulateAndGet(now, Math::max);
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                send(ex, 200, "image/gif", gif);
            });
        }
        HttpAssetSource source = source(fast().withConcurrency(3));
        RecordingSink sink = new RecordingSink();

        Delivery delivery = Delivery.start(source, wanted, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() >= 3);
        // the server holds every request: were there no cap, all 12 would arrive now
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> inFlight.get() <= 3);
        release.countDown();
        delivery.awaitDone();

        assertThat(maxInFlight.get()).isEqualTo(3);
        assertThat(sink.found).hasSize(12);
        assertThat(sink.found.values()).allSatisfy(b -> assertThat(b).isEqualTo(gif));
    }

    @Test
    void theRateLimitSpreadsRequestsOut() throws Exception {
        // 600 a minute = one per 100 ms: 6 requests span at least 500 ms, though 6 could go at once
        HttpAssetSource source = source(fast().withConcurrency(6).withRequestsPerMinute(600));
        List<Asset> wanted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            wanted.add(sprite(i, SVG_25));
        }
        RecordingSink sink = new RecordingSink();

        source.deliver(wanted, sink);

        assertThat(sink.found).hasSize(6);
        List<Long> times = new ArrayList<>(hits.get("/mirror/" + SVG_25));
        Collections.sort(times);
        assertThat(times).hasSize(6);
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.ofNanos(times.get(i) - times.get(i - 1))).as("gap before request %d", i)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(60));
        }
        assertThat(Duration.ofNanos(times.getLast() - times.getFirst())).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }

    @Test
    void redirectsAreFollowed() throws Exception {
        routes.put("/mirror/sprites/pokemon/moved.gif", ex -> {
            ex.getResponseHeaders().add("Location", "/mirror/" + GIF_25);
            send(ex, 301, "text/plain", bytes("moved"));
        });
        HttpAssetSource source = source(fast());
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, "sprites/pokemon/moved.gif")), sink);

        assertThat(sink.found.get(1L)).isEqualTo(fixture(GIF_25));
        assertThat(hitCount("/mirror/" + GIF_25)).isOne();
    }

    @Test
    void aRedirectLoopOrAnEndlessChainFailsWithAMessage() throws Exception {
        routes.put("/mirror/loop/a.png", ex -> redirect(ex, "/mirror/loop/b.png"));
        routes.put("/mirror/loop/b.png", ex -> redirect(ex, "/mirror/loop/a.png"));
        for (int i = 0; i < 50; i++) {
            String next = "/mirror/chain/" + (i + 1) + ".png";
            routes.put("/mirror/chain/" + i + ".png", ex -> redirect(ex, next));
        }
        HttpAssetSource source = source(fast());
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, "loop/a.png"), sprite(2, "chain/0.png")), sink);

        assertThat(sink.failed.get(1L)).matches(java.util.regex.Pattern.quote(root + "/mirror/loop/a.png: redirect loop (HTTP 302 from ")
                + ".* back to .* after [2-9] redirects\\)");
        assertThat(sink.failed.get(2L)).matches(java.util.regex.Pattern.quote(root + "/mirror/chain/0.png: too many redirects (stopped after ")
                + "[2-9], next was .*/mirror/chain/[2-9].png\\)");
        assertThat(hitCount("/mirror/chain/10.png")).isZero();
        assertThat(sink.found).isEmpty();
        assertThat(source.retries()).isZero();
    }

    @Test
    void anUnreachableServerFailsAfterMaxAttempts() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HttpAssetSource source = source(fast().withMirrorBase(URI.create("http://127.0.0.1:" + closedPort)).withMaxAttempts(2));
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, GIF_25)), sink);

        assertThat(sink.failed.get(1L)).startsWith("http://127.0.0.1:" + closedPort + "/" + GIF_25 + ": could not connect")
                .endsWith("after 2 attempts");
        assertThat(source.retries()).isOne();
    }

    @Test
    void aServerThatHangsTimesOutBeforeHeadersAndMidBody() throws Exception {
        routes.put("/mirror/hang/headers.png", ex -> awaitTestOver());
        routes.put("/mirror/hang/body.png", ex -> {
            ex.sendResponseHeaders(200, 1_000);
            ex.getResponseBody().write(filled(10));
            ex.getResponseBody().flush();
            awaitTestOver();
        });
        HttpAssetSource source = source(fast().withMaxAttempts(2).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)));
        RecordingSink sink = new RecordingSink();

        source.deliver(List.of(sprite(1, "hang/headers.png"), sprite(2, "hang/body.png")), sink);

        assertThat(sink.failed.get(1L)).matches(".*hang/headers.png: no (complete )?answer within 300 ms after 2 attempts");
        assertThat(sink.failed.get(2L)).isEqualTo(root + "/mirror/hang/body.png: no complete answer within 300 ms after 2 attempts");
        assertThat(hitCount("/mirror/hang/headers.png")).isEqualTo(2);
        assertThat(hitCount("/mirror/hang/body.png")).isEqualTo(2);
    }

    @Test
    void anInterruptStopsDeliverPromptlyWithoutCallingTheSink() throws Exception {
        routes.put("/mirror/wait/long-retry.png", ex -> {
            ex.getResponseHeaders().add("Retry-After", "100");
            send(ex, 429, "text/plain", bytes("later"));
        });
        routes.put("/mirror/wait/hanging.png", ex -> awaitTestOver());
        HttpAssetSource source = source(fast());
        RecordingSink sink = new RecordingSink();

        Delivery delivery = Delivery.start(source, List.of(sprite(1, "wait/long-retry.png"), sprite(2, "wait/hanging.png")), sink);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> hitCount("/mirror/wait/long-retry.png") == 1 && hitCount("/mirror/wait/hanging.png") == 1);
        delivery.interruptAndAwaitStop();

        assertThat(sink.callsPerAsset()).isEmpty();
        assertThat(hitCount("/mirror/wait/long-retry.png")).isOne();
    }

    @Test
    void anInterruptWhileAssetsAreStillQueuedStopsDeliverToo() throws Exception {
        routes.put("/mirror/wait/hanging.png", ex -> awaitTestOver());
        List<Asset> wanted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            wanted.add(sprite(i, "wait/hanging.png")); // one slot: the first hangs, 3 more wait for it, 16 unstarted
        }
        HttpAssetSource source = source(fast().withConcurrency(1));
        RecordingSink sink = new RecordingSink();

        Delivery delivery = Delivery.start(source, wanted, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> hitCount("/mirror/wait/hanging.png") == 1
                && delivery.thread.getState() == Thread.State.WAITING);
        delivery.interruptAndAwaitStop();

        assertThat(sink.callsPerAsset()).isEmpty();
        assertThat(hitCount("/mirror/wait/hanging.png")).isOne();
    }

    @Test
    void everyWantedAssetReachesTheSinkExactlyOnce() throws Exception {
        List<Asset> wanted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            wanted.add(sprite(i, GIF_1)); // found
            wanted.add(sprite(100 + i, "sprites/pokemon/absent/" + i + ".png")); // missing
            String down = "sprites/pokemon/down/" + i + ".png";
            routes.put("/mirror/" + down, ex -> send(ex, 502, "text/plain", bytes("bad gateway")));
            wanted.add(sprite(200 + i, down)); // failed after 2 attempts
            String flaky = "sprites/pokemon/flaky/" + i + ".gif";
            AtomicInteger calls = new AtomicInteger();
            routes.put("/mirror/" + flaky, ex -> {
                if (calls.incrementAndGet() == 1) {
                    send(ex, 500, "text/plain", bytes("oops"));
                } else {
                    send(ex, 200, "image/gif", fixture(GIF_1));
                }
            });
            wanted.add(sprite(300 + i, flaky)); // found on the second attempt
        }
        HttpAssetSource source = source(fast().withMaxAttempts(2).withConcurrency(4));
        RecordingSink sink = new RecordingSink();

        source.deliver(wanted, sink);

        assertThat(sink.callsPerAsset()).hasSize(40).allSatisfy((id, n) -> assertThat(n).as("calls for %d", id).isOne());
        assertThat(sink.found).hasSize(20);
        assertThat(sink.missing).hasSize(10);
        assertThat(sink.failed).hasSize(10).allSatisfy((id, msg) -> assertThat(msg).endsWith(": HTTP 502 after 2 attempts"));
        assertThat(source.retries()).isEqualTo(20);
        assertThat(source.requests()).isEqualTo(60);
    }

    @Test
    void anExceptionFromTheSinkEndsDeliverWithIt() {
        HttpAssetSource source = source(fast());
        AssetSource.AssetSink broken = new RecordingSink() {
            @Override
            public void found(Asset asset, byte[] bytes) {
                throw new IllegalStateException("storage is gone");
            }
        };

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> source.deliver(List.of(sprite(1, GIF_25)), broken))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("storage is gone");
    }

    // ---- helpers ----

    private HttpSourceOptions fast() {
        return HttpSourceOptions.defaults()
                .withMirrorBase(URI.create(root + "/mirror/"))
                .withBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    private HttpAssetSource source(HttpSourceOptions options) {
        HttpAssetSource source = new HttpAssetSource(options);
        sources.add(source);
        return source;
    }

    private int hitCount(String path) {
        List<Long> times = hits.get(path);
        return times == null ? 0 : times.size();
    }

    private void serveFixture(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] body = path.startsWith("/mirror/") ? fixtureOrNull(path.substring("/mirror/".length())) : null;
        if (body == null) {
            send(ex, 404, "text/plain", bytes("404: Not Found"));
        } else {
            String type = path.endsWith(".gif") ? "image/gif" : path.endsWith(".svg") ? "image/svg+xml"
                    : path.endsWith(".ogg") ? "audio/ogg" : "application/octet-stream";
            send(ex, 200, type, body);
        }
    }

    private void awaitTestOver() {
        try {
            testOver.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    /** Promises the whole body, sends half, and drops the connection. */
    private static void cutShort(HttpExchange ex, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, body.length);
        OutputStream out = ex.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        throw new IOException("cut short on purpose"); // HttpServer closes the connection of a failed handler
    }

    private static byte[] fixture(String layoutPath) {
        byte[] b = fixtureOrNull(layoutPath);
        assertThat(b).as("fixture %s", layoutPath).isNotNull();
        return b;
    }

    private static byte[] fixtureOrNull(String layoutPath) {
        try (InputStream in = HttpAssetSourceIT.class.getResourceAsStream("/fixtures/media/" + layoutPath)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    private static Asset sprite(long id, String path) {
        return new Asset(id, Asset.SPRITES_BUCKET, path, "https://raw.githubusercontent.com/PokeAPI/sprites/master/" + path,
                AssetKind.SPRITE, AssetStatus.PENDING, null);
    }

    private static Asset cry(long id, String path) {
        return new Asset(id, Asset.CRIES_BUCKET, path, "https://raw.githubusercontent.com/PokeAPI/cries/main/" + path,
                AssetKind.CRY, AssetStatus.PENDING, null);
    }

    /** Runs deliver on its own thread, so the test can watch, release or interrupt it. */
    private record Delivery(Thread thread, AtomicReference<Throwable> error) {
        static Delivery start(HttpAssetSource source, List<Asset> wanted, AssetSource.AssetSink sink) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread t = Thread.ofPlatform().name("deliver").start(() -> {
                try {
                    source.deliver(wanted, sink);
                } catch (Throwable e) {
                    error.set(e);
                }
            });
            return new Delivery(t, error);
        }

        /** Interrupts deliver and expects it to give up promptly with an {@link InterruptedException}. */
        void interruptAndAwaitStop() {
            thread.interrupt();
            await().atMost(Duration.ofSeconds(3)).until(() -> !thread.isAlive());
            assertThat(error.get()).isInstanceOf(InterruptedException.class);
        }

        void awaitDone() throws InterruptedException {
            assertThat(thread.join(Duration.ofSeconds(20))).as("deliver finished").isTrue();
            assertThat(error.get()).isNull();
        }
    }

    /** Records every sink call; thread-safe. */
    static class RecordingSink implements AssetSource.AssetSink {
        final Map<Long, byte[]> found = new ConcurrentHashMap<>();
        final Map<Long, String> missing = new ConcurrentHashMap<>();
        final Map<Long, String> failed = new ConcurrentHashMap<>();
        private final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public void found(Asset asset, byte[] bytes) {
            count(asset);
            found.put(asset.id(), bytes);
        }

        @Override
        public void missing(Asset asset, String reason) {
            count(asset);
            missing.put(asset.id(), reason);
        }

        @Override
        public void failed(Asset asset, String error) {
            count(asset);
            failed.put(asset.id(), error);
        }

        Map<Long, Integer> callsPerAsset() {
            Map<Long, Integer> out = new java.util.TreeMap<>();
            calls.forEach((id, n) -> out.put(id, n.get()));
            return out;
        }

        private void count(Asset asset) {
            calls.computeIfAbsent(asset.id(), k -> new AtomicInteger()).incrementAndGet();
        }
    }
}
