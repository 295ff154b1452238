package dev.pokepedia.live.schedule;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cron schedules stored in Postgres and fired once per due time however many processes run a scheduler: a process
 * claims a due run by moving {@code next_run_at} on with a compare-and-set on the value it read, so exactly one
 * process wins each due time. A run missed while nothing was running fires once, then the schedule continues from
 * now. The clock is injected so tests drive time.
 */
public final class Scheduler {

    /** The work a schedule's {@code task} names; returns a one-line summary. */
    @FunctionalInterface
    public interface Task {
        String run() throws Exception;
    }

    /** The defaults every database gets (kept when they exist, so operators' edits survive). */
    public static final Map<String, String[]> DEFAULTS = defaults();

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final Database database;
    private final Clock clock;
    private final Map<String, Task> tasks;

    public Scheduler(Database database, Clock clock, Map<String, Task> tasks) {
        this.database = database;
        this.clock = clock;
        this.tasks = Map.copyOf(tasks);
    }

    private static Map<String, String[]> defaults() {
        Map<String, String[]> d = new LinkedHashMap<>();
        d.put("daily-refresh", new String[] {"0 3 * * *", "seed"});
        d.put("retry-failed-assets", new String[] {"17 * * * *", "retry-failed-assets"});
        d.put("archive-cleanup", new String[] {"45 4 * * *", "archive-cleanup"});
        return d;
    }

    /** Inserts the default schedules that are not there yet. */
    public void ensureDefaults() {
        for (var e : DEFAULTS.entrySet()) {
            ensure(e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
    }

    /**
     * Adds a schedule unless one of that name exists (an operator's edits of it survive); for the tasks other modules
     * bring (sync upkeep, media library reconcile), which the process that has them ensures.
     */
    public void ensure(String name, String cron, String task) {
        update("""
                INSERT INTO pokepedia_schedules (name, cron, task, next_run_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO NOTHING""", name, cron, task, Timestamp.from(Cron.parse(cron).next(clock.instant())));
    }

    public List<Schedule> list() {
        return database.withConnection("reading the schedules", c -> {
            List<Schedule> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT name, cron, task, enabled, next_run_at, last_run_at, last_result, last_duration_ms, last_error, last_summary
                      FROM pokepedia_schedules ORDER BY name""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ms = rs.getLong(8);
                    Duration d = rs.wasNull() ? null : Duration.ofMillis(ms);
                    out.add(new Schedule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), instant(rs, 5),
                            instant(rs, 6), rs.getString(7), d, rs.getString(9), rs.getString(10)));
                }
            }
            return out;
        });
    }

    public Optional<Schedule> get(String name) {
        return list().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public void setEnabled(String name, boolean enabled) {
        require(update("UPDATE pokepedia_schedules SET enabled = ?, updated_at = now() WHERE name = ?", enabled, name), name);
    }

    /** Changes the expression (validated first) and recomputes the next run from now. */
    public void setCron(String name, String expression) {
        Cron cron = Cron.parse(expression);
        require(update("UPDATE pokepedia_schedules SET cron = ?, next_run_at = ?, updated_at = now() WHERE name = ?",
                expression.trim(), Timestamp.from(cron.next(clock.instant())), name), name);
    }

    /**
     * Fires every enabled schedule that is due now and that this process wins; returns the names it ran. Task
     * failures are recorded on the schedule (and logged), never thrown.
     */
    public List<String> tick() {
        Instant now = clock.instant();
        List<String> ran = new ArrayList<>();
        List<Schedule> due = list().stream().filter(s -> s.enabled() && !s.nextRunAt().isAfter(now)).toList();
        for (Schedule s : due) {
            Instant next = Cron.parse(s.cron()).next(now);
            // why: the compare-and-set on the next_run_at we read; a process that lost the race updates no row
            int won = update("UPDATE pokepedia_schedules SET next_run_at = ?, last_run_at = ?, updated_at = now() "
                    + "WHERE name = ? AND next_run_at = ? AND enabled", Timestamp.from(next), Timestamp.from(now), s.name(),
                    Timestamp.from(s.nextRunAt()));
            if (won == 1) {
                run(s);
                ran.add(s.name());
            }
        }
        return ran;
    }

    /** Runs a schedule's task now, outside its cron times (the CLI's {@code schedules run}); records the result. */
    public String runNow(String name) {
        Schedule s = get(name).orElseThrow(() -> unknown(name));
        update("UPDATE pokepedia_schedules SET last_run_at = ?, updated_at = now() WHERE name = ?", Timestamp.from(clock.instant()), name);
        return run(s);
    }

    /** When the next enabled schedule is due, if any. */
    public Optional<Instant> nextDue() {
        return list().stream().filter(Schedule::enabled).map(Schedule::nextRunAt).min(Instant::compareTo);
    }

    private String run(Schedule s) {
        Task task = tasks.get(s.task());
        long t0 = System.nanoTime();
        String result;
        String error = null;
        String summary = null;
        try {
            if (task == null) {
                throw new ConfigurationException("no task '" + s.task() + "'", "Known tasks: " + tasks.keySet());
            }
            summary = task.run();
            result = "ok";
        } catch (Exception e) {
            result = "failed";
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("Schedule '{}' ({}) failed: {}", s.name(), s.task(), error, e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        update("UPDATE pokepedia_schedules SET last_result = ?, last_duration_ms = ?, last_error = ?, last_summary = ? WHERE name = ?",
                result, ms, error, summary, s.name());
        return result.equals("ok") ? summary : "failed: " + error;
    }

    private static void require(int updated, String name) {
        if (updated == 0) {
            throw unknown(name);
        }
    }

    private static ConfigurationException unknown(String name) {
        return new ConfigurationException("No schedule named '" + name + "'", "See `pokepedia schedules` for the names.");
    }

    private int update(String sql, Object... args) {
        return database.withConnection("updating the schedules", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }
}
