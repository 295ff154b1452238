package dev.pokepedia.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.sync.internal.ChangeFeed;
import dev.pokepedia.sync.internal.SyncSql;
import dev.pokepedia.sync.internal.TokenVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The server side of offline-first sync over the entity tables of this module (see SYNC-PROTOCOL.md).
 *
 * <pre>{@code
 * try (SyncService sync = SyncService.open(db, SyncConfig.fromEnv(System.getenv()), registry, Clock.systemUTC())) {
 *     AuthenticatedUser who = sync.authenticate(request.header("Authorization"));
 *     PushResult r = sync.push(who, new PushRequest(clientId, ops));
 * }
 * }</pre>
 *
 * Every call runs in one transaction as role {@code authenticated} with the user's claims, through the same SQL
 * functions a Supabase app calls ({@code sync_push}, {@code sync_pull}), so row-level security holds even if this
 * layer had a bug. Errors are {@link SyncException}s carrying the protocol's status and code.
 */
public final class SyncService implements AutoCloseable {

    private final Database db;
    private final SyncConfig config;
    private final Clock clock;
    private final TokenVerifier verifier;
    private final SyncSql sql;
    private final ChangeFeed feed;
    private final MeterRegistry registry;
    private final Timer pushTimer;
    private final Counter pushes;
    private final Counter conflicts;
    private final AtomicLong pushCount = new AtomicLong();
    private final AtomicLong conflictCount = new AtomicLong();
    private final AtomicLong errorCount = new AtomicLong();

    private SyncService(Database db, SyncConfig config, MeterRegistry registry, Clock clock) {
        this.db = db;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.verifier = config.jwtSecret().map(s -> new TokenVerifier(s, config.clockLeeway(), clock)).orElse(null);
        this.sql = new SyncSql(db, config.maxTransactions());
        this.feed = new ChangeFeed(db.config());
        this.pushTimer = Timer.builder("sync.push.duration").description("Time to apply one push (one transaction)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.pushes = Counter.builder("sync.pushes").description("Pushes applied").register(registry);
        this.conflicts = Counter.builder("sync.conflicts").description("Operations answered with a conflict").register(registry);
    }

    /** Opens the service on a migrated database and starts listening for changes (for {@link #listen}). */
    public static SyncService open(Database db, SyncConfig config, MeterRegistry registry, Clock clock) {
        SyncService s = new SyncService(Objects.requireNonNull(db, "db"), Objects.requireNonNull(config, "config"),
                registry == null ? new SimpleMeterRegistry() : registry, Objects.requireNonNull(clock, "clock"));
        s.feed.start(Duration.ofSeconds(5));
        return s;
    }

    public SyncConfig config() {
        return config;
    }

    /** Verifies an {@code Authorization: Bearer <JWT>} header; 503 when no secret is configured, 401 when invalid. */
    public AuthenticatedUser authenticate(String authorizationHeader) {
        if (verifier == null) {
            throw new SyncException(SyncException.Kind.NOT_CONFIGURED, "sync is not configured on this server: set "
                    + SyncConfig.SECRET_ENV + " (or " + SyncConfig.SUPABASE_SECRET_ENV + ") to the HS256 secret the tokens are signed with");
        }
        return verifier.verify(authorizationHeader);
    }

    /** Claims for a caller known by id only (a Java app embedding the service). */
    public static AuthenticatedUser trusted(UserId user) {
        return new AuthenticatedUser(user, SyncJson.MAPPER.createObjectNode().put("sub", user.value()).put("role", "authenticated").toString());
    }

    /** Applies one client's batch: all or nothing, idempotent by (user, client, op id); conflicts are answered, not applied. */
    public PushResult push(AuthenticatedUser user, PushRequest request) {
        if (request.ops().size() > config.maxOps()) {
            throw new SyncException(SyncException.Kind.BAD_REQUEST, "ops has " + request.ops().size() + " operations; at most "
                    + config.maxOps() + " per push");
        }
        long start = System.nanoTime();
        try {
            String answer = sql.asUser(user.claimsJson(), c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT sync_push(?, ?::jsonb)::text")) {
                    ps.setString(1, request.clientId());
                    ps.setString(2, SyncJson.opsJson(request.ops()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            PushResult result = SyncJson.pushResult(answer, clock.millis());
            record(result);
            return result;
        } catch (RuntimeException e) {
            errorCount.incrementAndGet();
            Counter.builder("sync.errors").tag("kind", e instanceof SyncException s ? s.kind().code() : "internal").register(registry).increment();
            throw e;
        } finally {
            pushTimer.record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void record(PushResult result) {
        pushes.increment();
        pushCount.incrementAndGet();
        for (OpResult r : result.results()) {
            Counter.builder("sync.operations").description("Operations answered").tag("type", r.type())
                    .tag("status", r.status() == OpResult.Status.APPLIED ? "applied" : "conflict").register(registry).increment();
        }
        long c = result.conflicts();
        if (c > 0) {
            conflicts.increment(c);
            conflictCount.addAndGet(c);
        }
    }

    /** Counts a request refused before it reached {@link #push} (bad token, malformed body), for the dashboard. */
    public void recordRefused(SyncException.Kind kind) {
        errorCount.incrementAndGet();
        Counter.builder("sync.errors").tag("kind", kind.code()).register(registry).increment();
    }

    /**
     * The user's changes after {@code since} ("0" = everything), tombstones included; 410 (resync) when tombstones
     * newer than that cursor were pruned.
     */
    public PullResult pull(AuthenticatedUser user, String since, Integer limit) {
        long from;
        try {
            from = Long.parseLong(since == null ? "0" : since.trim());
        } catch (NumberFormatException e) {
            throw new SyncException(SyncException.Kind.BAD_REQUEST, "since must be a cursor from an earlier pull (a version number; \"0\" = from the start), not \""
                    + (since.length() > 40 ? since.substring(0, 40) + "…" : since) + "\"");
        }
        if (from < 0) {
            throw new SyncException(SyncException.Kind.BAD_REQUEST, "since must not be negative");
        }
        int n = limit == null ? config.defaultPullLimit() : limit;
        if (n < 1 || n > config.maxPullLimit()) {
            throw new SyncException(SyncException.Kind.BAD_REQUEST, "limit must be between 1 and " + config.maxPullLimit());
        }
        List<Change> changes = sql.asUser(user.claimsJson(), c -> {
            List<Change> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT type, id, version, deleted, payload::text, hlc FROM sync_pull(?, ?)")) {
                ps.setLong(1, from);
                ps.setInt(2, n + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String payload = rs.getString(5);
                        out.add(new Change(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4), parse(payload), rs.getString(6)));
                    }
                }
            }
            return out;
        });
        boolean more = changes.size() > n;
        List<Change> page = more ? changes.subList(0, n) : changes;
        String cursor = page.isEmpty() ? Long.toString(from) : Long.toString(page.get(page.size() - 1).version());
        return new PullResult(List.copyOf(page), cursor, more, clock.millis());
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return SyncJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored payload is not JSON", e);
        }
    }

    /**
     * Calls {@code onChange} with the new highest version whenever any process commits a push for this user, until the
     * returned handle is closed. Called on the listener thread: hand off, do not block.
     */
    public AutoCloseable listen(UserId user, LongConsumer onChange) {
        return feed.subscribe(user.value(), onChange);
    }

    /** Whether change notifications are being received (the LISTEN connection is up). */
    public boolean listening() {
        return feed.listening();
    }

    /** Hard-deletes tombstones older than {@code age}; pulls from cursors before them then answer resync (410). */
    public long pruneTombstones(Duration age) {
        return new SyncMaintenance(db).pruneTombstones(age);
    }

    /** For the dashboard: clients and operations from the idempotency records (all processes), counters of this one. */
    public SyncStats stats() {
        return db.withConnection("reading sync statistics", c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                     SELECT count(DISTINCT (user_id, client_id)) FILTER (WHERE created_at > now() - interval '1 day'),
                            count(*) FILTER (WHERE created_at > now() - interval '1 minute'),
                            count(*) FILTER (WHERE created_at > now() - interval '1 hour')
                       FROM sync_ops WHERE created_at > now() - interval '1 day'""")) {
                rs.next();
                return new SyncStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), conflictCount.get(), errorCount.get(), pushCount.get(),
                        feed.subscriberCount());
            }
        });
    }

    @Override
    public void close() {
        feed.close();
    }
}
