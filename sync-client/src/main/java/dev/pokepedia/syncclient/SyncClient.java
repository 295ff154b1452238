package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.syncclient.SyncClientException.ErrorCode;
import dev.pokepedia.syncclient.internal.Json;
import dev.pokepedia.syncclient.internal.SyncHttp;
import dev.pokepedia.syncclient.internal.SyncHttp.StatusException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync engine: pushes the outbox in batches, pulls the user's changes since the last cursor, resolves conflicts
 * per type, and (with {@code autoSync}) debounces local changes, syncs periodically and retries with backoff.
 */
public final class SyncClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncClient.class);
    private static final int MAX_ROUNDS = 100_000;

    private final LocalStore store;
    private final SyncConfig config;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final RandomGenerator random;
    private final SyncHttp http;
    private final ConflictResolver resolver;
    private final Clock clock;
    private final ReentrantLock syncLock = new ReentrantLock();
    private final List<Consumer<SyncStatus>> subscribers = new CopyOnWriteArrayList<>();
    private final Object timers = new Object();
    private volatile boolean online = true;
    private volatile boolean forcedOffline;
    private volatile boolean syncing;
    private volatile boolean fallbackSingleOps;
    private volatile String lastError;
    private volatile boolean closed;
    private int consecutiveFailures;
    private ScheduledFuture<?> debounced;
    private ScheduledFuture<?> retryTimer;
    private ScheduledFuture<?> periodic;
    private long firstUnpushedChangeMs = -1;
    private Runnable unlisten = () -> { };
    private volatile Thread eventThread;

    /** A client on its own single-thread scheduler. */
    public static SyncClient create(LocalStore store, SyncConfig config) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pokepedia-sync");
            t.setDaemon(true);
            return t;
        });
        return new SyncClient(store, config, s, true, RandomGenerator.getDefault());
    }

    /** A client on the caller's scheduler (tests drive time through it) and random source (backoff jitter). */
    public static SyncClient create(LocalStore store, SyncConfig config, ScheduledExecutorService scheduler, RandomGenerator random) {
        return new SyncClient(store, config, scheduler, false, random);
    }

    private SyncClient(LocalStore store, SyncConfig config, ScheduledExecutorService scheduler, boolean ownScheduler, RandomGenerator random) {
        for (String type : config.perType().keySet()) {
            store.registry().require(type);
        }
        this.store = store;
        this.config = config;
        this.scheduler = scheduler;
        this.ownScheduler = ownScheduler;
        this.random = random;
        this.clock = store.options().clock();
        this.http = new SyncHttp(config.server(), config.token(), config.requestTimeout());
        this.resolver = new ConflictResolver(store, config);
    }

    /** Starts the automatic part: debounce of local changes, periodic sync, and a first sync now. */
    public SyncClient start() {
        if (!config.autoSync()) {
            return this;
        }
        unlisten = store.onLocalChange(this::localChanged);
        synchronized (timers) {
            periodic = scheduler.scheduleWithFixedDelay(this::backgroundSync, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
        eventThread = Thread.ofVirtual().name("pokepedia-sync-events").start(this::followEvents);
        return this;
    }

    /**
     * Follows /sync/v1/events: another device's push triggers a (debounced) sync here, so changes arrive within
     * the debounce instead of the next periodic sync. Reconnects with backoff; stops for good on a 404 (no stream).
     */
    private void followEvents() {
        int failures = 0;
        while (!closed) {
            try {
                if (!forcedOffline) {
                    http.events(() -> {
                        remoteChanged();
                    });
                    failures = 0;
                }
            } catch (StatusException e) {
                if (e.status() == 404) {
                    LOG.info("server has no /sync/v1/events; relying on periodic sync");
                    return;
                }
                failures++;
            } catch (IOException | java.io.UncheckedIOException e) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
                failures++;
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            // why: a virtual thread parked on the backoff; the scheduler thread is never blocked by it
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                    Math.max(100, config.retry().delayMs(Math.max(1, failures), random))));
        }
    }

    private void remoteChanged() {
        if (closed || forcedOffline) {
            return;
        }
        synchronized (timers) {
            if (debounced != null) {
                debounced.cancel(false);
            }
            debounced = scheduler.schedule(this::backgroundSync, config.debounce().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public LocalStore store() {
        return store;
    }

    public SyncConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- status

    public SyncStatus status() {
        StoreStats st = store.stats();
        return new SyncStatus(st.outboxByStatus().get(OpStatus.PENDING) + st.outboxByStatus().get(OpStatus.SYNCING),
                st.outboxByStatus().get(OpStatus.FAILED), st.openConflicts(), online && !forcedOffline, syncing, st.lastSync(),
                Optional.ofNullable(lastError));
    }

    /** Calls the listener on every status change (and once now); run the returned handle to unsubscribe. */
    public Runnable subscribe(Consumer<SyncStatus> listener) {
        subscribers.add(listener);
        listener.accept(status());
        return () -> subscribers.remove(listener);
    }

    private void publish() {
        if (subscribers.isEmpty()) {
            return;
        }
        SyncStatus s = status();
        for (Consumer<SyncStatus> l : subscribers) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("a sync status subscriber failed", e);
            }
        }
    }

    /**
     * Tells the engine the network went away or came back (an app's connectivity callback). Offline: nothing is sent,
     * changes only queue. Back online: every waiting operation is made due and drained at once.
     */
    public void setOffline(boolean offline) {
        boolean wasOffline = forcedOffline || !online;
        forcedOffline = offline;
        if (!offline) {
            online = true;
            if (wasOffline) {
                reconnected();
            }
        }
        publish();
    }

    private void reconnected() {
        makeAllDue();
        scheduleSoon(0);
    }

    private void makeAllDue() {
        store.db().txRelaxed("making queued operations due", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?")) {
                ps.setLong(1, clock.millis());
                ps.setLong(2, clock.millis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- scheduling

    private void localChanged() {
        if (closed || forcedOffline) {
            publish();
            return;
        }
        long now = clock.millis();
        synchronized (timers) {
            if (firstUnpushedChangeMs < 0) {
                firstUnpushedChangeMs = now;
            }
            long due = Math.min(now + config.debounce().toMillis(), firstUnpushedChangeMs + config.maxDebounce().toMillis());
            if (debounced != null) {
                debounced.cancel(false);
            }
            debounced = scheduler.schedule(this::backgroundSync, Math.max(0, due - now), TimeUnit.MILLISECONDS);
        }
        publish();
    }

    private void scheduleSoon(long delayMs) {
        if (closed || !config.autoSync()) {
            return;
        }
        synchronized (timers) {
            if (retryTimer != null) {
                retryTimer.cancel(false);
            }
            retryTimer = scheduler.schedule(this::backgroundSync, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        }
    }

    private void backgroundSync() {
        if (closed || forcedOffline) {
            return;
        }
        try {
            sync();
        } catch (RuntimeException e) {
            LOG.warn("background sync failed: {}", e.getMessage());
        }
    }

    /** After a sync: when operations wait for a retry time, wake up then (a probe while offline). */
    private void scheduleRetry() {
        if (closed || forcedOffline || !config.autoSync()) {
            return;
        }
        Optional<Instant> next = store.outbox().nextAttemptAt();
        long now = clock.millis();
        if (!online) {
            long probe = config.retry().delayMs(Math.max(1, consecutiveFailures), random);
            long when = Math.max(probe, next.map(i -> i.toEpochMilli() - now).orElse(probe));
            // why: full jitter may draw 0; keep a floor so a dead network does not spin the CPU
            scheduleSoon(Math.max(when, Math.min(50, config.retry().baseDelay().toMillis())));
        } else if (next.isPresent()) {
            scheduleSoon(Math.max(0, next.get().toEpochMilli() - now));
        }
    }

    // ---------------------------------------------------------------- sync

    /** Pushes every due operation, then pulls. Blocks while another sync runs, then runs its own. */
    public SyncResult sync() {
        syncLock.lock();
        Counters n = new Counters();
        try {
            synchronized (timers) {
                firstUnpushedChangeMs = -1;
            }
            if (forcedOffline) {
                return n.result(false, Optional.of("offline: changes are queued"));
            }
            syncing = true;
            publish();
            boolean wasOnline = online;
            try {
                pushAll(n);
                pull(n);
                online = true;
                consecutiveFailures = 0;
                if (!wasOnline) {
                    // why: the network is back; operations waiting on backoff need not wait any longer
                    makeAllDue();
                    pushAll(n);
                }
                lastError = null;
                store.setMetaValueRelaxed("last_sync_at", Long.toString(clock.millis()));
                return n.result(true, Optional.empty());
            } catch (Offline e) {
                online = false;
                consecutiveFailures++;
                lastError = e.getMessage();
                return n.result(false, Optional.of(e.getMessage()));
            } catch (Stop e) {
                consecutiveFailures++;
                lastError = e.getMessage();
                return n.result(true, Optional.of(e.getMessage()));
            }
        } finally {
            syncing = false;
            try {
                scheduleRetry();
            } finally {
                syncLock.unlock();
            }
            publish();
        }
    }

    private static final class Counters {
        int pushed;
        int failed;
        int pulled;
        int conflicts;
        int requests;

        SyncResult result(boolean online, Optional<String> error) {
            return new SyncResult(pushed, failed, pulled, conflicts, requests, online, error);
        }
    }

    /** The network is unreachable: stop this sync, mark offline. */
    private static final class Offline extends Exception {
        Offline(String m) {
            super(m);
        }
    }

    /** The server answered but this sync cannot go on (5xx, token refused). */
    private static final class Stop extends Exception {
        Stop(String m) {
            super(m);
        }
    }

    private void pushAll(Counters n) throws Offline, Stop {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Map<String, List<Outbox.Raw>> batched = deferChildrenOfFullParents(store.outbox().pendingForPush(config.batchSize(), false));
            if (batched.isEmpty()) {
                return;
            }
            List<Outbox.Raw> ordered = order(batched);
            int before = n.pushed + n.conflicts + n.failed;
            for (List<Outbox.Raw> chunk : chunks(ordered)) {
                pushChunk(chunk, n);
            }
            if (n.pushed + n.conflicts + n.failed == before) {
                return; // why: nothing was answered this round (e.g. all released); the retry timer takes over
            }
        }
    }

    /**
     * Holds back, for a round, a child op (a roster) whose parent (its team) still has an op waiting beyond this round
     * (its type filled a whole batch). The rest of the children go now.
     *
     * <p>why: sent now, the server would refuse the child for a missing parent and it would wait on backoff.
     */
    private Map<String, List<Outbox.Raw>> deferChildrenOfFullParents(Map<String, List<Outbox.Raw>> batched) {
        java.util.Set<String> full = new HashSet<>();
        java.util.Set<String> inRound = new HashSet<>();
        batched.forEach((type, ops) -> {
            if (ops.size() >= config.batchSize()) {
                full.add(type);
            }
            ops.forEach(o -> inRound.add(type + "\u0000" + o.op().entityId()));
        });
        if (full.isEmpty()) {
            return batched;
        }
        for (EntityType t : store.registry().types()) {
            List<Outbox.Raw> ops = batched.get(t.name());
            if (ops == null || t.parentType().isEmpty() || !full.contains(t.parentType().get())) {
                continue;
            }
            String parentType = t.parentType().get();
            String field = t.parentField().orElseThrow();
            List<Outbox.Raw> ready = store.db().read("checking parents of " + t.name(), c -> {
                List<Outbox.Raw> keep = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM outbox WHERE type = ? AND entity_id = ?"
                        + " AND status IN ('pending','syncing') LIMIT 1")) {
                    for (Outbox.Raw o : ops) {
                        String parentId = o.payloadText() == null ? null : Json.read(o.payloadText()).path(field).asText(null);
                        boolean waiting = false;
                        if (parentId != null && !inRound.contains(parentType + "\u0000" + parentId)) {
                            ps.setString(1, parentType);
                            ps.setString(2, parentId);
                            try (var rs = ps.executeQuery()) {
                                waiting = rs.next();
                            }
                        }
                        if (!waiting) {
                            keep.add(o);
                        }
                    }
                }
                return keep;
            });
            if (ready.isEmpty()) {
                batched.remove(t.name());
                full.add(t.name()); // why: its own children may wait on it in turn
            } else {
                if (ready.size() < ops.size()) {
                    full.add(t.name());
                }
                batched.put(t.name(), ready);
            }
        }
        return batched;
    }

    /** Upserts in push order (parents first), then deletes in reverse order (children first). */
    private List<Outbox.Raw> order(Map<String, List<Outbox.Raw>> batched) {
        List<Outbox.Raw> upserts = new ArrayList<>();
        List<Outbox.Raw> deletes = new ArrayList<>();
        for (List<Outbox.Raw> l : batched.values()) {
            for (Outbox.Raw o : l) {
                (o.op().kind() == OpKind.UPSERT ? upserts : deletes).add(o);
            }
        }
        EntityRegistry reg = store.registry();
        upserts.sort(Comparator.comparingInt((Outbox.Raw o) -> reg.order(o.op().type())).thenComparingLong(o -> o.op().opId()));
        deletes.sort(Comparator.comparingInt((Outbox.Raw o) -> -reg.order(o.op().type())).thenComparingLong(o -> o.op().opId()));
        List<Outbox.Raw> all = new ArrayList<>(upserts);
        all.addAll(deletes);
        return all;
    }

    /** Splits into requests of at most maxRequestBytes; an operation (an aggregate included) is never split. */
    private List<List<Outbox.Raw>> chunks(List<Outbox.Raw> ops) {
        List<List<Outbox.Raw>> out = new ArrayList<>();
        List<Outbox.Raw> cur = new ArrayList<>();
        long bytes = 64;
        for (Outbox.Raw o : ops) {
            // why: an upper bound without serialising: UTF-8 is at most 3 bytes a char, plus the op's other fields
            long size = (o.payloadText() == null ? 0 : utf8Length(o.payloadText())) + 160 + o.op().entityId().length() * 3L;
            if (!cur.isEmpty() && bytes + size > config.maxRequestBytes()) {
                out.add(cur);
                cur = new ArrayList<>();
                bytes = 64;
            }
            cur.add(o);
            bytes += size;
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            n += ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isSurrogate(ch) ? 2 : 3;
        }
        return n;
    }

    private ObjectNode wire(Outbox.Raw raw) {
        OutboxOp o = raw.op();
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("op_id", o.opId());
        n.put("type", o.type());
        n.put("id", o.entityId());
        n.put("kind", o.kind().wire());
        n.put("base_version", o.baseVersion());
        if (raw.payloadText() != null) {
            // why: the stored text is already canonical JSON; embedding it raw saves a parse and a serialisation per op
            n.putRawValue("payload", new com.fasterxml.jackson.databind.util.RawValue(raw.payloadText()));
        }
        n.put("hlc", o.hlc());
        return n;
    }

    private void pushChunk(List<Outbox.Raw> chunk, Counters n) throws Offline, Stop {
        List<Long> ids = chunk.stream().map(r -> r.op().opId()).toList();
        store.outbox().markSyncing(ids);
        JsonNode resp;
        try {
            resp = fallbackSingleOps ? null : postPush(chunk, n);
            if (resp == null) {
                for (Outbox.Raw op : chunk) {
                    pushSingle(op, n);
                }
                return;
            }
        } catch (StatusException e) {
            handleRefusal(chunk, e, n);
            return;
        }
        applyResults(chunk, resp, n);
    }

    /** One bulk request; null when the server has no bulk endpoint (404), which switches to one op per request. */
    private JsonNode postPush(List<Outbox.Raw> chunk, Counters n) throws StatusException, Offline, Stop {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("client_id", store.clientId());
        ArrayNode arr = body.putArray("ops");
        chunk.forEach(o -> arr.add(wire(o)));
        try {
            return send("sync/v1/push", body, chunk, n);
        } catch (StatusException e) {
            if (e.status() == 404) {
                LOG.info("server has no /sync/v1/push; falling back to one operation per request");
                fallbackSingleOps = true;
                return null;
            }
            throw e;
        }
    }

    private void pushSingle(Outbox.Raw op, Counters n) throws Offline, Stop {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("client_id", store.clientId());
        body.set("op", wire(op));
        try {
            applyResults(List.of(op), send("sync/v1/op", body, List.of(op), n), n);
        } catch (StatusException e) {
            handleRefusal(List.of(op), e, n);
        }
    }

    private JsonNode send(String path, ObjectNode body, List<Outbox.Raw> chunk, Counters n) throws StatusException, Offline, Stop {
        List<Long> ids = chunk.stream().map(r -> r.op().opId()).toList();
        n.requests++;
        try {
            long sent = clock.millis();
            JsonNode resp = http.post(path, Json.write(body).getBytes(StandardCharsets.UTF_8));
            observeServerTime(resp, sent);
            online = true;
            return resp;
        } catch (IOException e) {
            store.outbox().markFailed(ids, "network: " + e, config.retry(), random, true);
            n.failed += ids.size();
            throw new Offline("server unreachable (" + config.server() + "): " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.outbox().release(ids, "interrupted");
            throw new Stop("interrupted");
        } catch (StatusException e) {
            if (e.status() == 401) {
                store.outbox().release(ids, e.getMessage());
                throw new Stop("the server refused the token: " + e.getMessage() + " (give a fresh token)");
            }
            if (e.status() >= 500 || e.status() == 429) {
                store.outbox().markFailed(ids, e.getMessage(), config.retry(), random, true);
                n.failed += ids.size();
                throw new Stop("server error, will retry: " + e.getMessage());
            }
            throw e;
        }
    }

    /** A 4xx for a whole batch: halve it to find the refused operation(s); a single refused op counts an attempt. */
    private void handleRefusal(List<Outbox.Raw> chunk, StatusException e, Counters n) throws Offline, Stop {
        if (chunk.size() > 1 && e.status() != 404) {
            List<Long> ids = chunk.stream().map(r -> r.op().opId()).toList();
            store.outbox().release(ids, e.getMessage());
            int mid = chunk.size() / 2;
            pushChunk(chunk.subList(0, mid), n);
            pushChunk(chunk.subList(mid, chunk.size()), n);
            return;
        }
        LOG.warn("server refused {} operation(s): {}", chunk.size(), e.getMessage());
        store.outbox().markFailed(chunk.stream().map(r -> r.op().opId()).toList(), e.getMessage(), config.retry(), random, false);
        n.failed += chunk.size();
        lastError = e.getMessage();
    }

    private void applyResults(List<Outbox.Raw> chunk, JsonNode resp, Counters n) {
        Map<Long, OutboxOp> byId = new HashMap<>();
        chunk.forEach(o -> byId.put(o.op().opId(), o.op()));
        Set<Long> answered = new HashSet<>();
        store.db().txRelaxed("applying push results", c -> {
            List<LocalStore.Ack> acks = new ArrayList<>();
            for (JsonNode r : resp.path("results")) {
                OutboxOp op = byId.get(r.path("op_id").asLong());
                if (op == null) {
                    continue;
                }
                answered.add(op.opId());
                String status = r.path("status").asText();
                if ("applied".equals(status)) {
                    acks.add(new LocalStore.Ack(op, r.path("version").asLong()));
                    n.pushed++;
                } else if ("conflict".equals(status)) {
                    n.conflicts++;
                    store.ackApplied(c, acks); // why: before resolving, so resolution sees this batch's applied versions
                    acks.clear();
                    resolve(c, op, serverRow(op.type(), op.entityId(), r.path("server")));
                } else {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET status = 'pending', last_error = ? WHERE op_id = ?")) {
                        ps.setString(1, "unexpected result status '" + status + "'");
                        ps.setLong(2, op.opId());
                        ps.executeUpdate();
                    }
                }
            }
            store.ackApplied(c, acks);
            store.persistHlc(c);
            return null;
        });
        List<Long> missing = chunk.stream().map(r -> r.op().opId()).filter(id -> !answered.contains(id)).toList();
        if (!missing.isEmpty()) {
            store.outbox().markFailed(missing, "the server's answer did not mention this op", config.retry(), random, false);
            n.failed += missing.size();
        }
    }

    private void observeServerTime(JsonNode resp, long sentAtMs) {
        if (resp != null && resp.hasNonNull("server_time_ms")) {
            long received = clock.millis();
            store.hlc().observeServerTime(resp.get("server_time_ms").asLong(), sentAtMs + (received - sentAtMs) / 2);
        }
    }

    private static ServerRow serverRow(String type, String id, JsonNode s) {
        JsonNode p = s.get("payload");
        return new ServerRow(type, id, s.path("version").asLong(), s.path("deleted").asBoolean(false),
                p instanceof ObjectNode o ? Optional.of(o) : Optional.empty(), s.path("hlc").asText(""));
    }

    // ---------------------------------------------------------------- conflicts

    private void resolve(Connection c, OutboxOp op, ServerRow server) throws SQLException {
        resolver.resolve(c, op, server);
    }

    /**
     * Resolves an open manual conflict: keep the local side, take the server's, or save a payload of the app's
     * choosing (null = delete). The chosen state is pushed based on the server's version.
     */
    public void resolve(String type, String id, Resolution resolution, ObjectNode custom) {
        store.registry().require(type);
        store.db().tx("resolving " + type + "/" + id, c -> {
            Conflict k = store.conflict(c, type, id).orElseThrow(() -> new SyncClientException(ErrorCode.NOT_FOUND,
                    "no open conflict for " + type + "/" + id, "list them with conflicts()"));
            ServerRow server = new ServerRow(type, id, k.serverVersion(), k.serverDeleted(), k.serverPayload(), "");
            String stamp = store.hlc().now().toString();
            switch (resolution) {
                case REMOTE -> store.applyServerRow(c, server);
                case LOCAL -> store.rebaseOnServer(c, type, id, k.localDeleted() ? null : k.localPayload().orElse(null), server, stamp);
                case CUSTOM -> {
                    if (custom != null) {
                        String cid = store.idOf(store.registry().require(type), custom, "");
                        if (!cid.equals(id)) {
                            throw SyncClientException.badInput("the resolved payload's id '" + cid + "' is not the conflict's id '" + id + "'");
                        }
                    }
                    store.rebaseOnServer(c, type, id, custom, server, stamp);
                }
            }
            store.persistHlc(c);
            return null;
        });
        store.fireChange();
    }

    /** How {@link #resolve} settles a manual conflict. */
    public enum Resolution {
        LOCAL, REMOTE, CUSTOM
    }

    // ---------------------------------------------------------------- pull

    private void pull(Counters n) throws Offline, Stop {
        String cursor = Optional.ofNullable(store.metaValue("cursor")).orElse("0");
        boolean full = false;
        Set<String> seen = new HashSet<>();
        while (true) {
            JsonNode resp;
            n.requests++;
            long sent = clock.millis();
            try {
                resp = http.pull(cursor, config.pullLimit());
            } catch (IOException e) {
                throw new Offline("server unreachable (" + config.server() + "): " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stop("interrupted");
            } catch (StatusException e) {
                if (e.status() == 410 && !full) {
                    LOG.info("pull cursor {} is older than the server keeps; pulling everything again", cursor);
                    full = true;
                    cursor = "0";
                    continue;
                }
                if (e.status() == 401) {
                    throw new Stop("the server refused the token: " + e.getMessage() + " (give a fresh token)");
                }
                throw new Stop("pull failed: " + e.getMessage());
            }
            online = true;
            observeServerTime(resp, sent);
            String next = resp.path("cursor").asText(cursor);
            boolean recordSeen = full;
            int[] applied = {0};
            store.db().txRelaxed("applying pulled changes", c -> {
                for (JsonNode ch : resp.path("changes")) {
                    ServerRow row = serverRow(ch.path("type").asText(), ch.path("id").asText(), ch);
                    if (recordSeen) {
                        seen.add(row.type() + "\u0000" + row.id());
                    }
                    if (!store.registry().contains(row.type()) || EntityRegistry.USAGE_LOGS.equals(row.type())) {
                        continue; // why: a type this app does not register, or our append-only logs (never needed back)
                    }
                    if (applyPulled(c, row, n)) {
                        applied[0]++;
                    }
                }
                LocalStore.setMeta(c, "cursor", next);
                store.persistHlc(c);
                return null;
            });
            n.pulled += applied[0];
            cursor = next;
            if (!resp.path("has_more").asBoolean(false)) {
                break;
            }
        }
        if (full) {
            dropUnmentioned(seen);
        }
    }

    /** Applies one server change unless it is our own echo; a local open change on the entity is a conflict. */
    private boolean applyPulled(Connection c, ServerRow row, Counters n) throws SQLException {
        if (!row.hlc().isEmpty()) {
            store.hlc().merge(Hlc.Stamp.parse(row.hlc()));
        }
        Optional<Long> localVersion = store.versionOf(c, row.type(), row.id());
        if (localVersion.isPresent() && localVersion.get() >= row.version()) {
            return false;
        }
        List<OutboxOp> open = Outbox.openOps(c, row.type(), row.id());
        if (open.isEmpty()) {
            if (store.conflict(c, row.type(), row.id()).isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE conflicts SET server_version = ?, server_deleted = ?,"
                        + " server_payload = ?, server_hlc = ? WHERE type = ? AND entity_id = ?")) {
                    ps.setLong(1, row.version());
                    ps.setInt(2, row.deleted() ? 1 : 0);
                    ps.setString(3, row.payload().map(Json::canonical).orElse(null));
                    ps.setString(4, row.hlc());
                    ps.setString(5, row.type());
                    ps.setString(6, row.id());
                    ps.executeUpdate();
                }
                return false;
            }
            if (localVersion.isEmpty() && row.deleted()) {
                return false;
            }
            store.applyServerRow(c, row);
            return true;
        }
        OutboxOp first = open.get(0);
        if (first.hlc().equals(row.hlc()) && open.size() == 1 && first.attempts() > 0) {
            // why: our own op, applied by the server, whose answer was lost; the pull is the answer
            store.ackApplied(c, first, row.version());
            return false;
        }
        n.conflicts++;
        resolve(c, open.get(open.size() - 1), row);
        return true;
    }

    private void dropUnmentioned(Set<String> seen) {
        store.db().txRelaxed("dropping rows the server no longer has", c -> {
            List<String[]> drop = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT type, id FROM entities e WHERE version > 0 AND NOT EXISTS"
                    + " (SELECT 1 FROM outbox o WHERE o.type = e.type AND o.entity_id = e.id AND o.status IN ('pending','syncing','failed'))");
                 var rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!seen.contains(rs.getString(1) + "\u0000" + rs.getString(2))) {
                        drop.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM entities WHERE type = ? AND id = ?")) {
                for (String[] k : drop) {
                    ps.setString(1, k[0]);
                    ps.setString(2, k[1]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void close() {
        closed = true;
        unlisten.run();
        synchronized (timers) {
            for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {debounced, retryTimer, periodic}) {
                if (f != null) {
                    f.cancel(false);
                }
            }
        }
        Thread t = eventThread;
        if (t != null) {
            t.interrupt();
        }
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
    }
}
