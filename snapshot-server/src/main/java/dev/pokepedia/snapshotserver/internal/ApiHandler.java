package dev.pokepedia.snapshotserver.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pokepedia.core.http.ConditionalRequests;
import dev.pokepedia.snapshotserver.ServerStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every request: {@code /api/v2/…} like PokeAPI (root index, paged lists, documents by id or name,
 * {@code pokemon/{id}/encounters}), and {@code /_stats}. Paths are matched case-insensitively and with or without
 * the trailing slash (served directly, no redirect), as PokeAPI's production function does.
 */
public final class ApiHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final String API = "/api/v2";
    private static final byte[] NOT_FOUND = json("{\"detail\":\"Not found.\"}");
    private static final byte[] INJECTED = json("{\"detail\":\"Service temporarily unavailable (injected fault).\"}");
    private static final byte[] INTERNAL = json("{\"detail\":\"Internal server error.\"}");
    private static final String CACHE_CONTROL = "public, max-age=86400, s-maxage=86400";

    private final SnapshotIndex index;
    private final JsonRewriter rewriter;
    private final Faults faults;
    private final Instant lastModified;
    private final String lastModifiedHeader;
    private final long startedNanos = System.nanoTime();
    private final LongAdder requests = new LongAdder();
    private final LongAdder served = new LongAdder();
    private final LongAdder notModified = new LongAdder();
    private final LongAdder notFound = new LongAdder();
    private final LongAdder injectedErrors = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder otherErrors = new LongAdder();

    public ApiHandler(SnapshotIndex index, JsonRewriter rewriter, Faults faults, Instant loadedAt) {
        this.index = index;
        this.rewriter = rewriter;
        this.faults = faults;
        // why: HTTP dates have whole seconds; a fractional Last-Modified would never equal the If-Modified-Since echoed back
        this.lastModified = loadedAt.truncatedTo(ChronoUnit.SECONDS);
        this.lastModifiedHeader = ConditionalRequests.httpDate(lastModified);
    }

    public ServerStats stats() {
        return new ServerStats(requests.sum(), served.sum(), notModified.sum(), notFound.sum(), injectedErrors.sum(),
                rateLimited.sum(), otherErrors.sum());
    }

    @Override
    public void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (path != null && path.equals("/_stats")) {
                sendStats(ex, head);
                return;
            }
            requests.increment();
            faults.delay();
            switch (faults.judge()) {
                case Faults.Verdict.Throttle t -> {
                    rateLimited.increment();
                    ex.getResponseHeaders().set("Retry-After", Long.toString(t.seconds()));
                    send(ex, 429, json("{\"detail\":\"Request was throttled. Expected available in " + t.seconds() + " seconds.\"}"), head);
                    return;
                }
                case Faults.Verdict.Fail f -> {
                    injectedErrors.increment();
                    send(ex, 503, INJECTED, head);
                    return;
                }
                case Faults.Verdict.Pass p -> {
                    // answer below
                }
            }
            if (!head && !ex.getRequestMethod().equals("GET")) {
                otherErrors.increment();
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, json("{\"detail\":\"Method " + quote(ex.getRequestMethod()) + " not allowed.\"}"), false);
                return;
            }
            route(ex, path == null ? "" : path.toLowerCase(Locale.ROOT), head);
        } catch (IOException e) {
            // the client went away; nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            otherErrors.increment();
            log.warn("answering {} failed", ex.getRequestURI(), e);
            try {
                send(ex, 500, INTERNAL, false);
            } catch (IOException | RuntimeException ignored) {
                // headers may already be out
            }
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex, String path, boolean head) throws IOException {
        if (!path.startsWith(API)) {
            sendNotFound(ex, head);
            return;
        }
        String rest = path.substring(API.length());
        if (rest.isEmpty() || rest.equals("/")) {
            sendResource(ex, index.root(), head);
            return;
        }
        if (rest.charAt(0) != '/') {
            sendNotFound(ex, head);
            return;
        }
        rest = rest.substring(1);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String[] seg = rest.split("/", -1);
        for (String s : seg) {
            if (s.isEmpty()) {
                sendNotFound(ex, head);
                return;
            }
        }
        SnapshotIndex.Endpoint endpoint = index.endpoints().get(seg[0]);
        if (endpoint == null) {
            sendNotFound(ex, head);
            return;
        }
        Resource found = null;
        if (seg.length == 1) {
            if (endpoint.single() != null) {
                found = endpoint.single();
            } else {
                sendResource(ex, new Resource(listPage(endpoint, Paging.fromQuery(ex.getRequestURI().getRawQuery()))), head);
                return;
            }
        } else if (seg.length == 2) {
            String key = endpoint.resolve(seg[1]);
            found = key == null ? null : endpoint.documents().get(key);
        } else if (seg.length == 3 && seg[0].equals("pokemon") && seg[2].equals("encounters")) {
            String key = endpoint.resolve(seg[1]);
            found = key == null ? null : index.encounters().get(key);
        }
        if (found == null) {
            sendNotFound(ex, head);
        } else {
            sendResource(ex, found, head);
        }
    }

    /** {@code {"count":…,"next":…,"previous":…,"results":[…]}}, upstream's key order. */
    byte[] listPage(SnapshotIndex.Endpoint endpoint, Paging paging) {
        List<byte[]> items = endpoint.items();
        Paging.Page page = paging.page(endpoint.count(), items.size());
        String listUrl = rewriter.absolute(JsonRewriter.API_PREFIX + endpoint.name() + "/");
        int size = 96 + 2 * listUrl.length();
        for (int i = page.from(); i < page.to(); i++) {
            size += items.get(i).length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(ascii("{\"count\":" + endpoint.count() + ",\"next\":"));
        out.writeBytes(page.next() == null ? ascii("null") : quoteUtf8(listUrl + page.next().query()));
        out.writeBytes(ascii(",\"previous\":"));
        out.writeBytes(page.previous() == null ? ascii("null") : quoteUtf8(listUrl + page.previous().query()));
        out.writeBytes(ascii(",\"results\":["));
        for (int i = page.from(); i < page.to(); i++) {
            if (i > page.from()) {
                out.write(',');
            }
            out.writeBytes(items.get(i));
        }
        out.writeBytes(ascii("]}"));
        return out.toByteArray();
    }

    private void sendResource(HttpExchange ex, Resource r, boolean head) throws IOException {
        Headers req = ex.getRequestHeaders();
        Headers rsp = ex.getResponseHeaders();
        boolean gzip = ConditionalRequests.acceptsGzip(String.join(",", req.getOrDefault("Accept-Encoding", List.of())));
        String etag = gzip ? r.gzipEtag() : r.etag();
        rsp.set("ETag", etag);
        rsp.set("Last-Modified", lastModifiedHeader);
        rsp.set("Cache-Control", CACHE_CONTROL);
        rsp.set("Vary", "Accept-Encoding");
        if (index.metaHash() != null) {
            rsp.set("X-PokeAPI-Hash", index.metaHash());
        }
        if (index.metaDeployDate() != null) {
            rsp.set("X-PokeAPI-Deploy-Date", index.metaDeployDate());
        }
        List<String> inm = req.get("If-None-Match");
        // why: RFC 9110 §13.2.2 — If-Modified-Since is only evaluated when If-None-Match is absent
        boolean fresh = inm != null ? ConditionalRequests.noneMatchHits(String.join(",", inm), etag)
                : ConditionalRequests.notModifiedSince(req.getFirst("If-Modified-Since"), lastModified);
        if (fresh) {
            notModified.increment();
            rsp.set("Access-Control-Allow-Origin", "*");
            ex.sendResponseHeaders(304, -1);
            return;
        }
        if (gzip) {
            rsp.set("Content-Encoding", "gzip");
        }
        served.increment();
        send(ex, 200, gzip ? r.gzip() : r.body(), head);
    }

    private void sendNotFound(HttpExchange ex, boolean head) throws IOException {
        notFound.increment();
        send(ex, 404, NOT_FOUND, head);
    }

    private void sendStats(HttpExchange ex, boolean head) throws IOException {
        ServerStats s = stats();
        String body = "{\"requests\":" + s.requests() + ",\"served\":" + s.served() + ",\"not_modified\":" + s.notModified()
                + ",\"not_found\":" + s.notFound() + ",\"injected_errors\":" + s.injectedErrors() + ",\"rate_limited\":" + s.rateLimited()
                + ",\"other_errors\":" + s.otherErrors() + ",\"injected_faults\":" + s.injectedFaults()
                + ",\"documents\":" + index.documents() + ",\"document_bytes\":" + index.documentBytes()
                + ",\"gzip_bytes\":" + index.gzipBytes()
                + ",\"uptime_seconds\":" + Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds() + "}";
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, 200, json(body), head);
    }

    /** Sends a status with a JSON body (only its length, for HEAD). */
    private static void send(HttpExchange ex, int status, byte[] body, boolean head) throws IOException {
        Headers rsp = ex.getResponseHeaders();
        rsp.set("Content-Type", JSON_TYPE);
        rsp.set("Access-Control-Allow-Origin", "*");
        if (head) {
            // why: the JDK server sends no Content-Length for HEAD itself; it must be set by hand
            rsp.set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] quoteUtf8(String s) {
        byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(s);
        byte[] out = new byte[inner.length + 2];
        out[0] = '"';
        System.arraycopy(inner, 0, out, 1, inner.length);
        out[out.length - 1] = '"';
        return out;
    }

    private static String quote(String s) {
        return "\\\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\\\"";
    }
}
