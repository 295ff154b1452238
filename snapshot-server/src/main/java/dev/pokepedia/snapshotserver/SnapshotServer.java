package dev.pokepedia.snapshotserver;

import com.sun.net.httpserver.HttpServer;
import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.snapshotserver.internal.ApiHandler;
import dev.pokepedia.snapshotserver.internal.Faults;
import dev.pokepedia.snapshotserver.internal.JsonRewriter;
import dev.pokepedia.snapshotserver.internal.SnapshotIndex;
import dev.pokepedia.snapshotserver.internal.SnapshotLoader;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves an api-data snapshot over HTTP the way PokeAPI does, from memory: the root index, paged endpoint lists,
 * documents by id or name and {@code pokemon/{id}/encounters}, with every {@code /api/v2/…} reference inside a
 * document made an absolute URL of this server (media URLs are left alone). Strong ETags, {@code Last-Modified},
 * conditional 304s and gzip; optional injected latency, 503s and a 429 budget; counters at {@code /_stats}.
 *
 * <pre>{@code
 * try (SnapshotServer s = SnapshotServer.start(new SnapshotSource.Archive(tarGz), ServerOptions.defaults())) {
 *     URI pikachu = s.apiRoot().resolve("pokemon/25/");
 * }
 * }</pre>
 *
 * The JDK's {@code com.sun.net.httpserver} answers on virtual threads (one per exchange); no other dependency.
 */
public final class SnapshotServer implements AutoCloseable {

    private static final int STOP_GRACE_SECONDS = 2;
    /** Pending connections the kernel queues while all is busy (the JDK's default is 50). */
    private static final int BACKLOG = 1024;

    static {
        // why: without TCP_NODELAY small responses on a kept-alive connection can wait for a delayed ACK (≈40 ms);
        // read once when the JDK server's configuration class loads, so it must be set before the first server
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final ApiHandler handler;
    private final SnapshotIndex index;
    private final URI baseUri;
    private final String source;
    private final Duration loadTime;
    private volatile boolean closed;

    private SnapshotServer(HttpServer http, ExecutorService executor, ApiHandler handler, SnapshotIndex index, URI baseUri,
                           String source, Duration loadTime) {
        this.http = http;
        this.executor = executor;
        this.handler = handler;
        this.index = index;
        this.baseUri = baseUri;
        this.source = source;
        this.loadTime = loadTime;
    }

    /**
     * Binds the socket (so a taken port fails before the load), reads the whole snapshot into memory, then starts
     * answering.
     *
     * @throws ConfigurationException                 the address cannot be bound
     * @throws dev.pokepedia.corpus.SourceException   the snapshot is unusable (missing, not gzip, truncated, empty)
     */
    public static SnapshotServer start(SnapshotSource source, ServerOptions options) {
        HttpServer http = bind(options);
        ExecutorService executor = null;
        try {
            URI base = publicBase(options, http.getAddress().getPort());
            long t0 = System.nanoTime();
            JsonRewriter rewriter = new JsonRewriter(stripSlash(base.toString()));
            SnapshotIndex index;
            try (HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build()) {
                index = new SnapshotLoader(rewriter, client).load(source);
            }
            Duration loadTime = Duration.ofNanos(System.nanoTime() - t0);
            ApiHandler handler = new ApiHandler(index, rewriter, new Faults(options), options.clock().instant());
            executor = Executors.newVirtualThreadPerTaskExecutor();
            http.setExecutor(executor);
            http.createContext("/", handler);
            http.start();
            return new SnapshotServer(http, executor, handler, index, base, source.describe(), loadTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(http, executor);
            throw new IllegalStateException("interrupted while loading " + source.describe(), e);
        } catch (RuntimeException | Error e) {
            abandon(http, executor);
            throw e;
        }
    }

    private static HttpServer bind(ServerOptions options) {
        String where = options.host() + ":" + options.port();
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getByName(options.host()), options.port()), BACKLOG);
        } catch (UnknownHostException e) {
            throw new ConfigurationException("Unknown host '" + options.host() + "'", "Give an IP address or a resolvable host name to bind");
        } catch (BindException e) {
            throw new ConfigurationException("Cannot listen on " + where + ": " + e.getMessage(),
                    "Pick another --port (0 picks a free one) or stop what is using it");
        } catch (IOException e) {
            throw new ConfigurationException("Cannot listen on " + where + ": " + e, "Check --host and --port");
        }
    }

    private static void abandon(HttpServer http, ExecutorService executor) {
        http.stop(0);
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** scheme://host:port/ clients use: the public URL if given, else the bound address (a wildcard → this host's name). */
    private static URI publicBase(ServerOptions o, int port) {
        if (o.publicUrl() != null) {
            return URI.create(stripSlash(o.publicUrl().toString()) + "/");
        }
        String host = o.host();
        try {
            InetAddress addr = InetAddress.getByName(host);
            if (addr.isAnyLocalAddress()) {
                host = InetAddress.getLocalHost().getCanonicalHostName();
            }
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        try {
            return new URI("http", null, host, port, "/", null, null);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("Cannot form a URL from host '" + host + "': " + e.getMessage(), "Give --public-url");
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code http://host:port/} — the server's base; documents' references start with it. */
    public URI baseUri() {
        return baseUri;
    }

    /** {@code http://host:port/api/v2/} — the root index, where a crawler starts. */
    public URI apiRoot() {
        return baseUri.resolve("api/v2/");
    }

    /** The port actually bound (the ephemeral one when asked for 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    public ServerStats stats() {
        return handler.stats();
    }

    /** Documents served (resources, encounters, meta; lists and the root index are derived). */
    public int documentCount() {
        return index.documents();
    }

    /** Bytes of JSON held in memory (minified, references absolute), without gzip copies. */
    public long documentBytes() {
        return index.documentBytes();
    }

    /** Entries of the snapshot that were skipped, each with its path and the reason. */
    public List<String> problems() {
        return index.problems();
    }

    /** The snapshot as the user named it. */
    public String source() {
        return source;
    }

    /** How long reading and preparing the snapshot took. */
    public Duration loadTime() {
        return loadTime;
    }

    /** Stops listening, lets requests in flight finish (up to 2 s), then closes every connection. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            http.stop(STOP_GRACE_SECONDS);
            executor.shutdownNow();
        }
    }
}
