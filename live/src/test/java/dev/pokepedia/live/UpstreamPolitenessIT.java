package dev.pokepedia.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pokepedia.core.http.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Politeness is owed to other people's servers: a crawl of a loopback server is not rate limited by default (only the
 * concurrency cap holds), while a rate given explicitly still spaces the requests. Waits go through a recording
 * ticker, so the test sees every wait the rate limit asked for without sleeping.
 */
class UpstreamPolitenessIT {

    /** Records waits and moves its time forward instead of sleeping. */
    private static final class RecordingTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
        private final List<Duration> waits = new ArrayList<>();

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public synchronized void sleep(Duration d) {
            waits.add(d);
            nanos.addAndGet(d.toNanos());
        }

        synchronized List<Duration> waits() {
            return List.copyOf(waits);
        }
    }

    private HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private final RecordingTicker ticker = new RecordingTicker();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v2/", ex -> {
            hits.incrementAndGet();
            String[] parts = ex.getRequestURI().getPath().split("/");
            byte[] body = ("{\"id\": " + parts[parts.length - 1] + ", \"name\": \"p\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** GETs documents 1..n, {@code parallel} at once. */
    private List<UpstreamClient.Answer> crawl(UpstreamOptions options, String host, int documents, int parallel) throws Exception {
        try (UpstreamClient client = new UpstreamClient(options, new SimpleMeterRegistry(), Clock.systemUTC(), ticker);
             ExecutorService pool = Executors.newFixedThreadPool(parallel, Thread.ofVirtual().factory())) {
            List<Future<UpstreamClient.Answer>> gets = new ArrayList<>();
            for (int i = 1; i <= documents; i++) {
                URI uri = URI.create("http://" + host + ":" + server.getAddress().getPort() + "/api/v2/pokemon/" + i);
                gets.add(pool.submit(() -> client.get(uri, null, null)));
            }
            List<UpstreamClient.Answer> out = new ArrayList<>();
            for (Future<UpstreamClient.Answer> f : gets) {
                out.add(f.get());
            }
            return out;
        }
    }

    @Test
    void byDefaultALoopbackServerIsNotRateLimited() throws Exception {
        List<UpstreamClient.Answer> answers = crawl(UpstreamOptions.defaults(), "127.0.0.1", 60, 8);
        crawl(UpstreamOptions.defaults(), "localhost", 20, 8);

        assertThat(answers).allMatch(a -> a instanceof UpstreamClient.Answer.Document);
        assertThat(hits).hasValue(80);
        assertThat(ticker.waits()).as("at 20/s, 60 requests would have waited 59 times").isEmpty();
    }

    @Test
    void anExplicitRateStillLimitsALoopbackServer() throws Exception {
        // why one at a time: each wait is then exactly one interval (in parallel, later callers wait for later slots)
        crawl(UpstreamOptions.defaults().withRate(20), "127.0.0.1", 5, 1);

        assertThat(hits).hasValue(5);
        assertThat(ticker.waits()).as("the first goes at once, then one every 50 ms").containsExactly(
                Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(50));
    }
}
