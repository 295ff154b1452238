package dev.pokepedia.app;

import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.snapshotserver.ServerOptions;
import dev.pokepedia.snapshotserver.SnapshotServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "serve-snapshot", mixinStandardHelpOptions = true,
        description = {"Serve an api-data snapshot over HTTP exactly as PokeAPI does — for offline use and crawler tests.",
                "Routes: /api/v2/ (root index), /api/v2/{endpoint}/?limit=&offset= (paged list), /api/v2/{endpoint}/{id or name}/, "
                        + "/api/v2/pokemon/{id}/encounters; references inside documents point back at this server. "
                        + "Paths work with or without the trailing slash. ETag/If-None-Match, Last-Modified/If-Modified-Since, gzip.",
                "Counters at /_stats, printed again on shutdown (Ctrl-C or SIGTERM)."})
final class ServeSnapshotCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FOLDER|FILE.tar.gz|URL",
            description = "The snapshot: an api-data checkout or its data/api/v2 folder, a .tar.gz in GitHub-archive layout, or an http(s) URL of one.")
    String snapshot;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = ServerOptions.DEFAULT_HOST, description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "Port to listen on; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "scheme://host[:port] written into documents and list links (default: http://<host>:<port> as bound).")
    URI publicUrl;

    @Option(names = "--error-rate", defaultValue = "0", paramLabel = "FRACTION",
            description = "Answer this fraction of API requests with 503 (0-1, default ${DEFAULT-VALUE}).")
    double errorRate;

    @Option(names = "--rate-limit-429", defaultValue = "0", paramLabel = "N",
            description = "Allow N requests per minute, then answer 429 with Retry-After until the minute is over (0 = no limit).")
    int rateLimit;

    @Option(names = "--latency-ms", defaultValue = "0", paramLabel = "MS", description = "Add this delay before every API response.")
    long latencyMs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + ServerOptions.DEFAULT_SEED,
            description = "Seed of the --error-rate draws: the same request sequence meets the same 503s (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        ServerOptions options = ServerOptions.defaults().withHost(host).withPort(port).withPublicUrl(publicUrl)
                .withErrorRate(errorRate).withRateLimitPerMinute(rateLimit).withLatency(Duration.ofMillis(latencyMs)).withSeed(seed);
        SnapshotSource source = SnapshotSource.parse(snapshot);
        PrintStream out = System.out;
        System.err.println("loading " + source.describe() + " …");
        SnapshotServer server = SnapshotServer.start(source, options);
        server.problems().stream().limit(20).forEach(p -> System.err.println("  skipped " + p));
        if (server.problems().size() > 20) {
            System.err.println("  … and " + (server.problems().size() - 20) + " more skipped entries");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // why: Ctrl-C and SIGTERM run shutdown hooks; the hook stops the server cleanly and prints what it served
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            out.println("stopped: " + server.stats().summary());
            out.flush();
            stopped.countDown();
        }, "serve-snapshot-shutdown"));
        out.printf("serving %s at %s (%d documents)%n", source.describe(), server.apiRoot(), server.documentCount());
        System.err.printf("loaded in %.1f s, %.1f MB of JSON in memory%s; stats at %s; Ctrl-C stops%n",
                server.loadTime().toMillis() / 1000.0, server.documentBytes() / 1e6, faults(options), server.baseUri().resolve("_stats"));
        out.flush();
        stopped.await();
        return 0;
    }

    private static String faults(ServerOptions o) {
        if (!o.injectsFaults()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; faults:");
        if (o.errorRate() > 0) {
            sb.append(" ").append(o.errorRate()).append(" 503s (seed ").append(o.seed()).append(")");
        }
        if (o.rateLimitPerMinute() > 0) {
            sb.append(" 429 after ").append(o.rateLimitPerMinute()).append("/min");
        }
        if (!o.latency().isZero()) {
            sb.append(" +").append(o.latency().toMillis()).append(" ms");
        }
        return sb.toString();
    }
}
