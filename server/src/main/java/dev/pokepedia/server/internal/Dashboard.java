package dev.pokepedia.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.queue.ArchivedMessage;
import dev.pokepedia.queue.QueueStats;
import dev.pokepedia.queue.QueueThroughput;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.server.ScheduleSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What the admin panels show, read from the shared database (so every process shows the same numbers). */
public final class Dashboard {

    public record Bar(int x, int height, long count, String label) {}

    public record QueueView(String name, long depth, long visible, String oldestAge, String perSecond, long lastHour,
                            long deadLetters, boolean paused, List<Bar> bars, long maxPerMinute, List<ErrorView> deadSamples) {}

    public record TypeRow(String type, long stored, Long upstream, boolean behind) {}

    public record RunView(long id, String source, String status, String started, String took, String totals, List<String> changedTypes,
                          String error) {}

    /** {@code stored} counts every live document, as verify does; {@code listed} those of types the upstream lists. */
    public record SyncView(List<TypeRow> types, long stored, long listed, long upstream, RunView lastRun, String crawl) {}

    public record BucketRow(String bucket, long stored, long missing, long failed, long pending, String megabytes) {}

    public record ScheduleRow(String name, String cron, String task, boolean enabled, String nextRun, String lastRun,
                              String lastResult, String lastDuration, String lastError) {}

    public record ErrorView(String at, String where, String message, Instant when) {}

    static final int CHART_WIDTH = 360;
    static final int CHART_HEIGHT = 60;

    private final Database db;
    private final AssetManifest manifest;
    private final Queues queues;
    private final Clock clock;

    public Dashboard(Database db, Queues queues, Clock clock) {
        this(db, new AssetManifest(db), queues, clock);
    }

    Dashboard(Database db, AssetManifest manifest, Queues queues, Clock clock) {
        this.db = db;
        this.manifest = manifest;
        this.queues = queues;
        this.clock = clock;
    }

    public List<QueueView> queues() throws SQLException {
        List<QueueView> out = new ArrayList<>();
        Instant now = clock.instant();
        for (QueueStats q : queues.stats()) {
            List<QueueThroughput> minutes = queues.throughput(q.queue(), Duration.ofHours(1));
            long max = minutes.stream().mapToLong(QueueThroughput::processed).max().orElse(0);
            List<Bar> bars = new ArrayList<>();
            Instant start = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(59));
            int width = CHART_WIDTH / 60;
            for (QueueThroughput m : minutes) {
                long idx = Duration.between(start, m.minute()).toMinutes();
                if (idx < 0 || idx > 59) {
                    continue;
                }
                int h = max == 0 ? 0 : (int) Math.max(1, m.processed() * CHART_HEIGHT / max);
                bars.add(new Bar((int) idx * width, h, m.processed(), Formats.clock(m.minute())));
            }
            Instant lastFull = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
            long lastMinute = minutes.stream().filter(m -> m.minute().equals(lastFull)).mapToLong(QueueThroughput::processed).sum();
            List<ErrorView> dead = new ArrayList<>();
            if (q.deadLetters() > 0) {
                for (ArchivedMessage m : queues.deadLetters(q.queue(), 3)) {
                    dead.add(new ErrorView(Formats.ago(m.archivedAt(), now), "message " + m.id(), Text.clip(m.lastError()), m.archivedAt()));
                }
            }
            out.add(new QueueView(q.queue(), q.depth(), q.visible(), q.oldestAge() == null ? "–" : Formats.duration(q.oldestAge().toNanos() / 1e9),
                    String.format("%.1f", lastMinute / 60.0), q.processedLastHour(), q.deadLetters(), q.paused(), bars, max, dead));
        }
        return out;
    }

    public SyncView sync() {
        return db.withConnection("reading the sync panel", this::sync);
    }

    private SyncView sync(Connection c) throws SQLException {
        List<TypeRow> rows = new ArrayList<>();
        long stored = 0;
        long listed = 0;
        long upstream = 0;
        RunView run = null;
        String crawl = null;
        {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT coalesce(e.endpoint, r.resource_type), coalesce(r.n, 0), e.upstream_count
                      FROM pokepedia_endpoints e
                      FULL JOIN (SELECT resource_type, count(*) AS n FROM pokeapi_resources
                                  WHERE deleted_at IS NULL GROUP BY 1) r
                        ON r.resource_type = e.endpoint
                     ORDER BY 1""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(2);
                    Long up = rs.getObject(3) == null ? null : rs.getLong(3);
                    rows.add(new TypeRow(rs.getString(1), n, up, up != null && n < up));
                    stored += n;
                    listed += up == null ? 0 : n;
                    upstream += up == null ? 0 : up;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, source, status, started_at, finished_at, report, error
                      FROM pokepedia_import_runs ORDER BY id DESC LIMIT 1""");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    run = run(rs);
                }
            }
            if (exists(c, "pokepedia_crawl_state")) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*), max(checked_at), count(*) FILTER (WHERE changed_at > now() - interval '1 hour') FROM pokepedia_crawl_state");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Timestamp last = rs.getTimestamp(2);
                    crawl = rs.getLong(1) == 0 ? "no document crawled yet"
                            : rs.getLong(1) + " documents crawled, last check " + Formats.ago(last.toInstant(), clock.instant())
                              + ", " + rs.getLong(3) + " changed in the last hour";
                }
            }
        }
        return new SyncView(rows, stored, listed, upstream, run, crawl);
    }

    private RunView run(ResultSet rs) throws SQLException {
        Instant started = rs.getTimestamp(4).toInstant();
        Timestamp finished = rs.getTimestamp(5);
        String took = finished == null ? "running for " + Formats.duration(Duration.between(started, clock.instant()).toSeconds())
                : Formats.duration(Duration.between(started, finished.toInstant()).toMillis() / 1000.0);
        String totals = "";
        List<String> changed = new ArrayList<>();
        String report = rs.getString(6);
        if (report != null) {
            try {
                JsonNode r = Json.MAPPER.readTree(report);
                JsonNode t = r.path("total");
                totals = t.path("added").asLong() + " added, " + t.path("changed").asLong() + " changed, "
                        + t.path("unchanged").asLong() + " unchanged, " + t.path("removed").asLong() + " removed, "
                        + t.path("invalid").asLong() + " invalid";
                r.path("changes").properties().forEach(e -> {
                    JsonNode n = e.getValue();
                    long a = n.path("added").asLong();
                    long ch = n.path("changed").asLong();
                    long rm = n.path("removed").asLong();
                    if (a + ch + rm > 0) {
                        changed.add(e.getKey() + ": +" + a + " ~" + ch + " -" + rm);
                    }
                });
            } catch (java.io.IOException e) {
                totals = "report unreadable";
            }
        }
        return new RunView(rs.getLong(1), rs.getString(2), rs.getString(3), Formats.ago(started, clock.instant()), took, totals, changed,
                rs.getString(7));
    }

    public List<BucketRow> media() {
        return manifest.buckets().values().stream()
                .map(b -> new BucketRow(b.bucket(), b.stored(), b.missing(), b.failed(), b.pending(), String.format("%.1f", b.storedBytes() / 1e6)))
                .toList();
    }

    public List<ScheduleRow> schedules(List<ScheduleSummary> schedules) {
        Instant now = clock.instant();
        return schedules.stream().map(s -> new ScheduleRow(s.name(), s.cron(), s.task(), s.enabled(),
                s.nextRunAt() == null ? "–" : Formats.in(s.nextRunAt(), now), s.lastRunAt() == null ? "never" : Formats.ago(s.lastRunAt(), now),
                s.lastResult() == null ? "" : s.lastResult(), s.lastDuration() == null ? "" : Formats.duration(s.lastDuration().toMillis() / 1000.0),
                s.lastError() == null ? "" : Text.clip(s.lastError()))).toList();
    }

    /** The newest problems from every part: failed runs, failed assets, dead letters, failing schedules. */
    public List<ErrorView> errors(List<ActionLog.Entry> actions, List<ScheduleSummary> schedules) throws SQLException {
        List<ErrorView> out = new ArrayList<>();
        Instant now = clock.instant();
        db.withConnection("reading the failed import runs", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, source, coalesce(finished_at, started_at), error FROM pokepedia_import_runs WHERE status = 'failed' ORDER BY id DESC LIMIT 5");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant at = rs.getTimestamp(3).toInstant();
                    out.add(new ErrorView(Formats.ago(at, now), "import run " + rs.getLong(1) + " (" + Text.clip(rs.getString(2)) + ")",
                            Text.clip(rs.getString(4)), at));
                }
            }
            return null;
        });
        for (AssetManifest.FailedAsset a : manifest.recentlyFailed(5)) {
            out.add(new ErrorView(Formats.ago(a.at(), now), "asset " + a.where() + " (attempt " + a.attempts() + ")", Text.clip(a.error()), a.at()));
        }
        for (ScheduleSummary s : schedules) {
            if (s.lastRunFailed()) {
                out.add(new ErrorView(Formats.ago(s.lastRunAt(), now), "schedule " + s.name(), Text.clip(s.lastError()), s.lastRunAt()));
            }
        }
        for (QueueView q : queues()) {
            q.deadSamples().forEach(d -> out.add(new ErrorView(d.at(), "dead letter in " + q.name() + ", " + d.where(), d.message(), d.when())));
        }
        for (ActionLog.Entry a : actions) {
            if (a.failed()) {
                out.add(new ErrorView(Formats.ago(a.at(), now), "admin action " + a.action(), a.outcome(), a.at()));
            }
        }
        out.sort(Comparator.comparing(ErrorView::when).reversed());
        return out.size() > 15 ? out.subList(0, 15) : out;
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
