package dev.pokepedia.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local HTTP server on port 0 that serves fixture files by path (404 for any other path), for media sources under
 * test. A hook sees every request first and may answer it otherwise (a 503 with Retry-After) or hold it.
 */
public final class FixtureFileServer implements AutoCloseable {

    /** Sees each request before it is answered. */
    @FunctionalInterface
    public interface Hook {
        /**
         * @param path the request path without its leading slash
         * @return a status to answer with instead (add headers to {@code exchange} first), or 0 to serve the file or 404;
         *         may block (each request has its own virtual thread)
         */
        int before(String path, HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private FixtureFileServer(Map<String, byte[]> files, Hook hook) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath().substring(1);
                int status = hook.before(path, ex);
                byte[] body = files.get(path);
                if (status != 0) {
                    ex.sendResponseHeaders(status, -1);
                } else if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                }
            }
        });
        server.start();
    }

    public static FixtureFileServer start(Map<String, byte[]> files, Hook hook) {
        try {
            return new FixtureFileServer(Map.copyOf(files), hook);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
