package dev.pokepedia.server.internal;

import dev.pokepedia.core.Database;
import dev.pokepedia.queue.QueueStats;
import dev.pokepedia.queue.Queues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the database when {@code /metrics} is scraped: queue depth, visible, oldest age, dead letters
 * (per queue), import runs by status, stored documents, and assets by bucket and status with their bytes. Whatever
 * process does the work, every {@code serve} process reports the same shared state.
 */
public final class DbMetrics {

    private static final Logger log = LoggerFactory.getLogger(DbMetrics.class);

    private final Database db;
    private final Queues queues;
    private final MultiGauge depth;
    private final MultiGauge visible;
    private final MultiGauge oldest;
    private final MultiGauge dead;
    private final MultiGauge paused;
    private final MultiGauge runs;
    private final MultiGauge assets;
    private final MultiGauge assetBytes;
    private final MultiGauge documents;

    public DbMetrics(Database db, Queues queues, MeterRegistry registry) {
        this.db = db;
        this.queues = queues;
        depth = MultiGauge.builder("pokepedia.queue.depth").description("Messages in the queue").register(registry);
        visible = MultiGauge.builder("pokepedia.queue.visible").description("Messages a worker could claim now").register(registry);
        oldest = MultiGauge.builder("pokepedia.queue.oldest.age").baseUnit("seconds").description("Age of the oldest message").register(registry);
        dead = MultiGauge.builder("pokepedia.queue.dead.letters").description("Dead-lettered messages").register(registry);
        paused = MultiGauge.builder("pokepedia.queue.paused").description("1 when the queue is paused").register(registry);
        runs = MultiGauge.builder("pokepedia.import.runs").description("Import/crawl runs by status").register(registry);
        assets = MultiGauge.builder("pokepedia.assets").description("Media assets by bucket and status").register(registry);
        assetBytes = MultiGauge.builder("pokepedia.assets.stored").baseUnit("bytes").description("Bytes stored per bucket").register(registry);
        documents = MultiGauge.builder("pokepedia.documents").description("Live stored documents").register(registry);
    }

    /** Reads the current numbers; a failing read keeps the previous values and is logged, never thrown at the scraper. */
    public void refresh() {
        try {
            List<MultiGauge.Row<?>> d = new ArrayList<>();
            List<MultiGauge.Row<?>> v = new ArrayList<>();
            List<MultiGauge.Row<?>> o = new ArrayList<>();
            List<MultiGauge.Row<?>> dl = new ArrayList<>();
            List<MultiGauge.Row<?>> p = new ArrayList<>();
            for (QueueStats q : queues.stats()) {
                Tags t = Tags.of("queue", q.queue());
                d.add(MultiGauge.Row.of(t, q.depth()));
                v.add(MultiGauge.Row.of(t, q.visible()));
                o.add(MultiGauge.Row.of(t, q.oldestAge() == null ? 0 : q.oldestAge().toNanos() / 1e9));
                dl.add(MultiGauge.Row.of(t, q.deadLetters()));
                p.add(MultiGauge.Row.of(t, q.paused() ? 1 : 0));
            }
            depth.register(d, true);
            visible.register(v, true);
            oldest.register(o, true);
            dead.register(dl, true);
            paused.register(p, true);
            runs.register(rows("SELECT status, count(*) FROM pokepedia_import_runs GROUP BY status", "status"), true);
            documents.register(rows("SELECT 'all', count(*) FROM pokeapi_resources WHERE deleted_at IS NULL", "scope"), true);
            List<MultiGauge.Row<?>> a = new ArrayList<>();
            List<MultiGauge.Row<?>> b = new ArrayList<>();
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT bucket, status, count(*), coalesce(sum(bytes) FILTER (WHERE status = 'stored'), 0) FROM pokepedia_assets GROUP BY 1, 2");
                 ResultSet rs = ps.executeQuery()) {
                java.util.Map<String, Long> bytes = new java.util.TreeMap<>();
                while (rs.next()) {
                    a.add(MultiGauge.Row.of(Tags.of("bucket", rs.getString(1), "status", rs.getString(2)), rs.getLong(3)));
                    bytes.merge(rs.getString(1), rs.getLong(4), Long::sum);
                }
                bytes.forEach((bucket, n) -> b.add(MultiGauge.Row.of(Tags.of("bucket", bucket), n)));
            }
            assets.register(a, true);
            assetBytes.register(b, true);
        } catch (SQLException | RuntimeException e) {
            if (dev.pokepedia.core.PokepediaException.isExpected(e)) {
                log.warn("metrics: reading the database failed: {}", e.toString());
            } else {
                log.warn("metrics: reading the database failed", e); // why: a bug must keep its stack trace
            }
        }
    }

    private List<MultiGauge.Row<?>> rows(String sql, String tag) throws SQLException {
        List<MultiGauge.Row<?>> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(MultiGauge.Row.of(Tags.of(tag, rs.getString(1)), rs.getLong(2)));
            }
        }
        return out;
    }
}
