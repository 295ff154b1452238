package dev.pokepedia.snapshotserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.corpus.SnapshotSource;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Injected 503s, the 429 budget and added latency, each on its own server. */
class FaultInjectionIT {

    private static final SnapshotSource MINI = new SnapshotSource.Archive(Minis.path(Minis.MINI_0710));

    /** A clock the test moves by hand. */
    private static final class ManualClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-07-10T12:00:00Z"));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    private static List<Integer> statuses(SnapshotServer server, int n) {
        List<Integer> out = new ArrayList<>();
        URI uri = server.apiRoot().resolve("pokemon/25/");
        for (int i = 0; i < n; i++) {
            out.add(Http.get(uri).statusCode());
        }
        return out;
    }

    @Test
    void the_error_rate_answers_503_for_exactly_the_requests_the_seed_picks_and_roughly_the_configured_fraction() {
        int n = 400;
        double rate = 0.2;
        long seed = 7;
        Random oracle = new Random(seed);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(oracle.nextDouble() < rate ? 503 : 200);
        }
        try (SnapshotServer server = SnapshotServer.start(MINI, ServerOptions.defaults().withErrorRate(rate).withSeed(seed))) {
            List<Integer> got = statuses(server, n);
            assertThat(got).isEqualTo(expected);
            long failures = got.stream().filter(s -> s == 503).count();
            assertThat(failures).isBetween((long) (n * rate * 0.6), (long) (n * rate * 1.4));
            assertThat(server.stats().injectedErrors()).isEqualTo(failures);
            assertThat(server.stats().served()).isEqualTo(n - failures);
            assertThat(server.stats().injectedFaults()).isEqualTo(failures);
        }
    }

    @Test
    void an_injected_503_carries_a_json_detail() {
        try (SnapshotServer server = SnapshotServer.start(MINI, ServerOptions.defaults().withErrorRate(1.0))) {
            HttpResponse<byte[]> r = Http.get(server.apiRoot().resolve("pokemon/25/"));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(Http.json(r).get("detail").asText()).contains("injected");
        }
    }

    @Test
    void requests_beyond_the_per_minute_budget_get_429_with_retry_after_until_the_minute_is_over() {
        ManualClock clock = new ManualClock();
        try (SnapshotServer server = SnapshotServer.start(MINI, ServerOptions.defaults().withRateLimitPerMinute(5).withClock(clock))) {
            URI uri = server.apiRoot().resolve("pokemon/25/");
            assertThat(statuses(server, 5)).containsOnly(200);
            clock.advance(Duration.ofSeconds(20));

            HttpResponse<byte[]> refused = Http.get(uri);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("40");
            assertThat(Http.json(refused).get("detail").asText()).isEqualTo("Request was throttled. Expected available in 40 seconds.");

            clock.advance(Duration.ofMillis(39_500));
            assertThat(Http.get(uri).headers().firstValue("Retry-After")).as("rounded up, never 0").hasValue("1");

            clock.advance(Duration.ofMillis(500));
            assertThat(Http.get(uri).statusCode()).as("a new window").isEqualTo(200);
            assertThat(server.stats().rateLimited()).isEqualTo(2);
            assertThat(server.stats().served()).isEqualTo(6);
        }
    }

    @Test
    void throttled_requests_do_not_consume_error_rate_draws() {
        ManualClock clock = new ManualClock();
        ServerOptions faulty = ServerOptions.defaults().withErrorRate(0.5).withSeed(3);
        List<Integer> unthrottled;
        try (SnapshotServer server = SnapshotServer.start(MINI, faulty)) {
            unthrottled = statuses(server, 6);
        }
        try (SnapshotServer server = SnapshotServer.start(MINI, faulty.withRateLimitPerMinute(3).withClock(clock))) {
            List<Integer> got = new ArrayList<>(statuses(server, 3));
            assertThat(statuses(server, 2)).containsOnly(429);
            clock.advance(Duration.ofMinutes(1));
            got.addAll(statuses(server, 3));
            assertThat(got).isEqualTo(unthrottled);
        }
    }

    @Test
    void the_stats_endpoint_is_exempt_from_faults_and_latency() {
        ServerOptions hostile = ServerOptions.defaults().withErrorRate(1.0).withRateLimitPerMinute(1);
        try (SnapshotServer server = SnapshotServer.start(MINI, hostile)) {
            assertThat(Http.get(server.apiRoot()).statusCode()).isEqualTo(503);
            for (int i = 0; i < 3; i++) {
                assertThat(Http.get(server.baseUri().resolve("_stats")).statusCode()).isEqualTo(200);
            }
            assertThat(server.stats().requests()).isEqualTo(1);
        }
    }

    @Test
    void latency_injection_delays_every_response_by_at_least_the_configured_time() {
        Duration latency = Duration.ofMillis(250);
        try (SnapshotServer server = SnapshotServer.start(MINI, ServerOptions.defaults().withLatency(latency))) {
            for (URI uri : List.of(server.apiRoot().resolve("pokemon/25/"), server.apiRoot().resolve("pokemon/?limit=2"),
                    server.apiRoot().resolve("nope/"))) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = Http.get(uri);
                long elapsed = System.nanoTime() - t0;
                assertThat(r.statusCode()).isIn(200, 404);
                assertThat(Duration.ofNanos(elapsed)).as(uri.toString()).isGreaterThanOrEqualTo(latency);
            }
        }
    }
}
