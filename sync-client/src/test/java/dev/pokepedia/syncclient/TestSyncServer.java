package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pokepedia.syncclient.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory server of the /sync/v1 protocol (SYNC-PROTOCOL.md) for the client's tests: server versions from one
 * sequence, conflict detection on base_version, tombstones, idempotency by (client id, op id) with 409 on a reused op
 * id with another payload, paged pull with a resync watermark, the 4 MiB / 1000-op limits. Port 0; one user.
 */
public final class TestSyncServer implements AutoCloseable {

    public record Row(String type, String id, long version, boolean deleted, JsonNode payload, String hlc) {
    }

    private record Answer(String payloadKey, ObjectNode result) {
    }

    private final Set<String> types;
    private final String token;
    private final Clock clock;
    private HttpServer http;
    private int port;
    private long nextVersion = 1;
    private long pruneWatermark;
    private final Map<String, Row> rows = new HashMap<>();
    private final Map<String, Answer> answered = new HashMap<>();
    final AtomicInteger pushRequests = new AtomicInteger();
    final AtomicInteger opRequests = new AtomicInteger();
    final AtomicInteger pullRequests = new AtomicInteger();
    final AtomicInteger appliedOps = new AtomicInteger();
    /** Time spent answering pushes and pulls (the benchmark's server share). */
    final java.util.concurrent.atomic.AtomicLong serverNanos = new java.util.concurrent.atomic.AtomicLong();
    volatile boolean noBulkEndpoint;
    /** "type/id/kind" of every op of the last push request, in request order. */
    volatile List<String> lastPushOps = List.of();
    /** Every push request's ops, in arrival order. */
    final List<List<String>> pushLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile int failNextPushes;
    /** When set, a push waits on it after applying (so a test can kill the client mid-push). */
    volatile CountDownLatch holdAfterApply;
    final CountDownLatch pushArrived = new CountDownLatch(1);

    TestSyncServer(Set<String> types, String token, Clock clock) {
        this.types = types;
        this.token = token;
        this.clock = clock;
    }

    public static TestSyncServer start(String token) {
        Set<String> names = new java.util.HashSet<>();
        EntityRegistry.reference().types().forEach(t -> names.add(t.name()));
        TestSyncServer s = new TestSyncServer(names, token, Clock.systemUTC());
        s.listen(0);
        return s;
    }

    void listen(int p) {
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/sync/v1/push", ex -> timed(() -> handle(ex, () -> push(ex, false))));
        http.createContext("/sync/v1/op", ex -> timed(() -> handle(ex, () -> push(ex, true))));
        http.createContext("/sync/v1/pull", ex -> timed(() -> handle(ex, () -> pull(ex))));
        http.createContext("/sync/v1/events", this::events);
        http.start();
        port = http.getAddress().getPort();
    }

    /** Stops answering (the network went away); {@link #restart()} listens again on the same port. */
    void stop() {
        for (OutputStream os : listeners) {
            try {
                os.close();
            } catch (IOException ignored) {
                // client gone
            }
        }
        listeners.clear();
        http.stop(0);
    }

    void restart() {
        listen(port);
    }

    /** The server stops knowing a type (as one whose schema lags the app's); pushes naming it are refused with 400. */
    public void forgetType(String type) {
        types.remove(type);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public int pushRequests() {
        return pushRequests.get();
    }

    @Override
    public void close() {
        for (OutputStream os : listeners) {
            try {
                os.close();
            } catch (IOException ignored) {
                // client gone
            }
        }
        http.stop(0);
    }

    // ---------------------------------------------------------------- inspection and another device's edits

    public synchronized Row row(String type, String id) {
        return rows.get(type + "/" + id);
    }

    public synchronized List<Row> liveRows(String type) {
        return rows.values().stream().filter(r -> r.type().equals(type) && !r.deleted()).sorted(Comparator.comparing(Row::id)).toList();
    }

    /** Writes a row as if another device pushed it. */
    synchronized Row put(String type, String id, ObjectNode payload, String hlc) {
        Row r = new Row(type, id, nextVersion++, payload == null, payload, hlc);
        rows.put(type + "/" + id, r);
        return r;
    }

    /** Prunes tombstones up to the current version: older cursors get 410 resync_required. */
    synchronized void pruneTombstones() {
        pruneWatermark = nextVersion - 1;
        rows.values().removeIf(Row::deleted);
    }

    // ---------------------------------------------------------------- protocol

    private void timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        serverNanos.addAndGet(System.nanoTime() - t0);
    }

    private interface Handler {
        void run() throws Exception;
    }

    private void handle(HttpExchange ex, Handler h) {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + token)) {
                error(ex, 401, "unauthorized", "missing or bad token");
                return;
            }
            h.run();
        } catch (Exception e) {
            try {
                error(ex, 500, "internal", String.valueOf(e));
            } catch (IOException ignored) {
                // client gone
            }
        }
    }

    private void push(HttpExchange ex, boolean single) throws Exception {
        if (!single) {
            pushRequests.incrementAndGet();
            pushArrived.countDown();
            if (noBulkEndpoint) {
                error(ex, 404, "not_found", "no such route");
                return;
            }
        } else {
            opRequests.incrementAndGet();
        }
        synchronized (this) {
            if (failNextPushes > 0) {
                failNextPushes--;
                error(ex, 503, "unavailable", "injected failure");
                return;
            }
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        if (body.length > 4 * 1024 * 1024) {
            error(ex, 413, "too_large", "batch over 4 MiB");
            return;
        }
        JsonNode req = Json.MAPPER.readTree(body);
        String clientId = req.path("client_id").asText();
        List<JsonNode> ops = new ArrayList<>();
        if (single) {
            ops.add(req.get("op"));
        } else {
            req.path("ops").forEach(ops::add);
        }
        if (!single) {
            lastPushOps = ops.stream().map(o -> o.path("type").asText() + "/" + o.path("id").asText() + "/" + o.path("kind").asText()).toList();
            pushLog.add(lastPushOps);
        }
        if (ops.size() > 1000) {
            error(ex, 400, "too_many_ops", "more than 1000 ops");
            return;
        }
        ObjectNode resp;
        synchronized (this) {
            for (JsonNode op : ops) {
                if (!types.contains(op.path("type").asText())) {
                    error(ex, 400, "unknown_type", "unknown entity type '" + op.path("type").asText() + "' in op " + op.path("op_id"));
                    return;
                }
                Answer prior = answered.get(clientId + ":" + op.path("op_id").asLong());
                if (prior != null && !prior.payloadKey().equals(Json.canonical(op))) {
                    error(ex, 409, "duplicate_op_id", "op " + op.path("op_id") + " was sent before with another payload");
                    return;
                }
            }
            // deletes after upserts
            List<JsonNode> ordered = new ArrayList<>();
            ops.stream().filter(o -> !"delete".equals(o.path("kind").asText())).forEach(ordered::add);
            ops.stream().filter(o -> "delete".equals(o.path("kind").asText())).forEach(ordered::add);
            Map<Long, ObjectNode> results = new TreeMap<>();
            for (JsonNode op : ordered) {
                String key = clientId + ":" + op.path("op_id").asLong();
                Answer prior = answered.get(key);
                ObjectNode result = prior != null ? prior.result() : apply(op);
                answered.put(key, new Answer(Json.canonical(op), result));
                results.put(op.path("op_id").asLong(), result);
            }
            resp = Json.MAPPER.createObjectNode();
            ArrayNode arr = resp.putArray("results");
            ops.forEach(o -> arr.add(results.get(o.path("op_id").asLong())));
            resp.putObject("counts");
            resp.put("server_time_ms", clock.millis());
        }
        notifyChange(nextVersion - 1);
        CountDownLatch hold = holdAfterApply;
        if (hold != null) {
            hold.await(30, TimeUnit.SECONDS);
        }
        json(ex, resp);
    }

    private ObjectNode apply(JsonNode op) {
        String type = op.path("type").asText();
        String id = op.path("id").asText();
        boolean delete = "delete".equals(op.path("kind").asText());
        long base = op.path("base_version").asLong();
        Row cur = rows.get(type + "/" + id);
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("op_id", op.path("op_id").asLong());
        result.put("type", type);
        result.put("id", id);
        boolean conflict;
        if (cur == null) {
            // why: as the real server (sync_push) does: an op based on a version the server has no row for (its
            // tombstone was pruned) is a conflict against "version 0, deleted", not a silent re-create
            if (base != 0 && !delete) {
                result.put("status", "conflict");
                ObjectNode s = result.putObject("server");
                s.put("version", 0);
                s.put("deleted", true);
                s.putNull("payload");
                s.putNull("hlc");
                return result;
            }
            if (delete) {
                result.put("status", "applied");
                result.put("version", 0); // nothing to delete, as the real server answers
                return result;
            }
            conflict = false;
        } else if (base == 0) {
            // why: a tombstone is a stored row too; the real server answers base 0 against it as a conflict
            conflict = cur.deleted() || !(op.has("payload") && Json.canonical(op.get("payload")).equals(Json.canonical(cur.payload())));
            if (!conflict) {
                result.put("status", "applied");
                result.put("version", cur.version());
                return result;
            }
        } else {
            conflict = cur.version() != base;
        }
        if (conflict) {
            result.put("status", "conflict");
            ObjectNode s = result.putObject("server");
            s.put("version", cur.version());
            s.put("deleted", cur.deleted());
            s.set("payload", cur.deleted() ? null : cur.payload());
            s.put("hlc", cur.hlc());
            return result;
        }
        Row r = new Row(type, id, nextVersion++, delete, delete ? null : op.get("payload"), op.path("hlc").asText());
        rows.put(type + "/" + id, r);
        appliedOps.incrementAndGet();
        result.put("status", "applied");
        result.put("version", r.version());
        return result;
    }

    private final List<OutputStream> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Server-sent events: "event: change" after every push that applied something; held open until the server stops. */
    private void events(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.equals("Bearer " + token)) {
            error(ex, 401, "unauthorized", "missing or bad token");
            ex.close();
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream os = ex.getResponseBody();
        os.write(": ping\n\n".getBytes(StandardCharsets.UTF_8));
        os.flush();
        listeners.add(os);
    }

    private void notifyChange(long version) {
        byte[] msg = ("event: change\ndata: {\"version\":" + version + "}\n\n").getBytes(StandardCharsets.UTF_8);
        for (OutputStream os : listeners) {
            try {
                os.write(msg);
                os.flush();
            } catch (IOException e) {
                listeners.remove(os);
            }
        }
    }

    private void pull(HttpExchange ex) throws IOException {
        pullRequests.incrementAndGet();
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                String[] p = kv.split("=", 2);
                q.put(p[0], p.length > 1 ? java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        long since = Long.parseLong(q.getOrDefault("since", "0"));
        int limit = Math.min(5000, Integer.parseInt(q.getOrDefault("limit", "500")));
        ObjectNode resp = Json.MAPPER.createObjectNode();
        synchronized (this) {
            if (since != 0 && since < pruneWatermark) {
                error(ex, 410, "resync_required", "cursor " + since + " is older than the pruned tombstones (" + pruneWatermark + ")");
                return;
            }
            List<Row> changes = rows.values().stream().filter(r -> r.version() > since).sorted(Comparator.comparingLong(Row::version)).toList();
            ArrayNode arr = resp.putArray("changes");
            long cursor = since;
            for (Row r : changes.subList(0, Math.min(limit, changes.size()))) {
                ObjectNode c = arr.addObject();
                c.put("type", r.type());
                c.put("id", r.id());
                c.put("version", r.version());
                c.put("deleted", r.deleted());
                c.set("payload", r.payload());
                c.put("hlc", r.hlc());
                cursor = r.version();
            }
            resp.put("cursor", Long.toString(cursor));
            resp.put("has_more", changes.size() > limit);
            resp.put("server_time_ms", clock.millis());
        }
        json(ex, resp);
    }

    private static void json(HttpExchange ex, JsonNode body) throws IOException {
        byte[] b = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("error", code);
        n.put("message", message);
        byte[] b = Json.write(n).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }
}
