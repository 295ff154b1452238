package dev.pokepedia.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.CorpusStatus;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.queue.ArchivedMessage;
import dev.pokepedia.queue.QueueStats;
import dev.pokepedia.queue.QueueThroughput;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.server.CrawlSummary;
import dev.pokepedia.server.ScheduleSummary;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

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

    private final CorpusStatus corpus;
    private final AssetManifest manifest;
    private final Queues queues;
    private final Clock clock;

    public Dashboard(Database db, Queues queues, Clock clock) {
        this(new CorpusStatus(db), new AssetManifest(db), queues, clock);
    }

    Dashboard(CorpusStatus corpus, AssetManifest manifest, Queues queues, Clock clock) {
        this.corpus = corpus;
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

    /** @param crawl the crawler's progress, where one is wired */
    public SyncView sync(Optional<CrawlSummary> crawl) {
        List<TypeRow> rows = new ArrayList<>();
        long stored = 0;
        long listed = 0;
        long upstream = 0;
        for (CorpusStatus.TypeCount t : corpus.typeCounts()) {
            Long up = t.upstream();
            rows.add(new TypeRow(t.type(), t.stored(), up, up != null && t.stored() < up));
            stored += t.stored();
            listed += up == null ? 0 : t.stored();
            upstream += up == null ? 0 : up;
        }
        RunView run = corpus.lastImport().map(this::run).orElse(null);
        String line = crawl.map(s -> s.documents() == 0 ? "no document crawled yet"
                : s.documents() + " documents crawled, last check " + Formats.ago(s.lastCheckedAt(), clock.instant())
                  + ", " + s.changedLastHour() + " changed in the last hour").orElse(null);
        return new SyncView(rows, stored, listed, upstream, run, line);
    }

    private RunView run(CorpusStatus.ImportRunSummary r) {
        Instant started = r.startedAt();
        Instant finished = r.finishedAt();
        String took = finished == null ? "running for " + Formats.duration(Duration.between(started, clock.instant()).toSeconds())
                : Formats.duration(Duration.between(started, finished).toMillis() / 1000.0);
        String totals = "";
        List<String> changed = new ArrayList<>();
        String report = r.report();
        if (report != null) {
            try {
                JsonNode j = Json.MAPPER.readTree(report);
                JsonNode t = j.path("total");
                totals = t.path("added").asLong() + " added, " + t.path("changed").asLong() + " changed, "
                        + t.path("unchanged").asLong() + " unchanged, " + t.path("removed").asLong() + " removed, "
                        + t.path("invalid").asLong() + " invalid";
                j.path("changes").properties().forEach(e -> {
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
        return new RunView(r.id(), r.source(), r.status(), Formats.ago(started, clock.instant()), took, totals, changed, r.error());
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
        for (CorpusStatus.ImportRunSummary r : corpus.failedImports(5)) {
            Instant at = r.lastSeenAt();
            out.add(new ErrorView(Formats.ago(at, now), "import run " + r.id() + " (" + Text.clip(r.source()) + ")", Text.clip(r.error()), at));
        }
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
}
