package dev.pokepedia.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The upstream client's size limit holds while the body streams in, not after it was read whole. */
class UpstreamClientLimitsTest {

    private static final long LIMIT = 64 << 10;
    private static final long SENT = 64L << 20; // far more than socket buffers hold, so a stopped reader stops the writer

    private HttpServer server;
    private final AtomicLong written = new AtomicLong();
    private final CountDownLatch writerDone = new CountDownLatch(1);
    private UpstreamClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/endless", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0); // chunked: no length to judge by in advance
            byte[] chunk = new byte[64 << 10];
            Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = ex.getResponseBody()) {
                while (written.get() < SENT) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException stoppedByTheClient) {
                // the point of the test
            } finally {
                writerDone.countDown();
            }
        });
        server.createContext("/declared", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = new byte[(int) (LIMIT * 2)];
            Arrays.fill(body, (byte) ' ');
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            } catch (IOException ignored) {
                // the client may hang up first
            }
        });
        server.start();
        UpstreamOptions defaults = UpstreamOptions.defaults();
        client = new UpstreamClient(new UpstreamOptions(2, 0, false, Duration.ofSeconds(5), Duration.ofSeconds(60), 1,
                Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(1), LIMIT, defaults.userAgent()),
                new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void stops_reading_an_endless_answer_at_the_limit_instead_of_reading_it_whole() throws Exception {
        assertThatThrownBy(() -> client.get(uri("/endless"), null, null))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("over the " + LIMIT + "-byte limit");

        assertThat(writerDone.await(30, TimeUnit.SECONDS)).as("the server's writer ended").isTrue();
        assertThat(written.get()).as("bytes the server got to write before the client hung up").isLessThan(SENT);
    }

    @Test
    void refuses_an_answer_whose_declared_length_is_over_the_limit() {
        assertThatThrownBy(() -> client.get(uri("/declared"), null, null))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("over the " + LIMIT + "-byte limit");
    }
}
