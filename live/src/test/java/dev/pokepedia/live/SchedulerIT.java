package dev.pokepedia.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.Database;
import dev.pokepedia.live.schedule.Schedule;
import dev.pokepedia.live.schedule.Scheduler;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SettableClock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cron schedules in Postgres, driven by a settable clock, with several schedulers racing for each due time. */
class SchedulerIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T02:30:00Z"));
    private final AtomicInteger seeds = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();

    private Scheduler scheduler(Database on) {
        return new Scheduler(on, clock, Map.of(
                "seed", () -> "seeded " + seeds.incrementAndGet(),
                "retry-failed-assets", () -> "retried " + retries.incrementAndGet(),
                "archive-cleanup", () -> {
                    throw new IllegalStateException("cleanup exploded");
                }));
    }

    @BeforeEach
    void noSchedules() throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE pokepedia_schedules");
        }
    }

    @Test
    void defaultsAreCreatedOnceWithTheirNextRunFromTheCron() {
        Scheduler s = scheduler(db.database());
        s.ensureDefaults();
        s.setCron("daily-refresh", "0 5 * * *");
        s.ensureDefaults();

        assertThat(s.list()).extracting(Schedule::name).containsExactly("archive-cleanup", "daily-refresh", "retry-failed-assets");
        Schedule daily = s.get("daily-refresh").orElseThrow();
        assertThat(daily.cron()).isEqualTo("0 5 * * *"); // an operator's edit survives ensureDefaults
        assertThat(daily.nextRunAt()).isEqualTo(Instant.parse("2026-11-22T05:00:00Z"));
        assertThat(s.get("retry-failed-assets").orElseThrow().nextRunAt()).isEqualTo(Instant.parse("2026-11-22T03:17:00Z"));
    }

    @Test
    void eachDueTimeFiresOnceAcrossRacingSchedulersAndRecordsTheResult() throws Exception {
        Scheduler a = scheduler(db.database());
        a.ensureDefaults();
        clock.set(Instant.parse("2026-11-22T03:00:30Z")); // daily-refresh (03:00) is due

        List<Scheduler> racers = new ArrayList<>();
        List<Database> pools = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Database own = Database.open(db.config(), 2);
            pools.add(own);
            racers.add(scheduler(own));
        }
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<List<String>>> runs = racers.stream().map(s -> CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return s.tick();
            })).toList();
            go.countDown();
            long fired = runs.stream().map(CompletableFuture::join).mapToLong(l -> l.stream().filter("daily-refresh"::equals).count()).sum();

            assertThat(fired).isEqualTo(1);
            assertThat(seeds.get()).isEqualTo(1);
            Schedule daily = a.get("daily-refresh").orElseThrow();
            assertThat(daily.lastResult()).isEqualTo("ok");
            assertThat(daily.lastSummary()).isEqualTo("seeded 1");
            assertThat(daily.lastRunAt()).isEqualTo(clock.instant());
            assertThat(daily.lastDuration()).isNotNull();
            assertThat(daily.nextRunAt()).isEqualTo(Instant.parse("2026-11-23T03:00:00Z"));
            assertThat(a.tick()).isEmpty(); // nothing else is due at 03:00:30
        } finally {
            pools.forEach(Database::close);
        }
    }

    @Test
    void aFailingTaskIsRecordedAndTheScheduleMovesOn() {
        Scheduler s = scheduler(db.database());
        s.ensureDefaults();
        clock.set(Instant.parse("2026-11-22T04:46:00Z"));

        assertThat(s.tick()).containsExactlyInAnyOrder("archive-cleanup", "daily-refresh", "retry-failed-assets");
        Schedule cleanup = s.get("archive-cleanup").orElseThrow();
        assertThat(cleanup.lastResult()).isEqualTo("failed");
        assertThat(cleanup.lastError()).isEqualTo("cleanup exploded");
        assertThat(cleanup.nextRunAt()).isEqualTo(Instant.parse("2026-11-23T04:45:00Z"));
        // a missed hourly run fires once, not once per missed hour
        assertThat(retries.get()).isEqualTo(1);
    }

    @Test
    void aDisabledScheduleDoesNotFireAndBadCronIsRejectedWithTheReason() {
        Scheduler s = scheduler(db.database());
        s.ensureDefaults();
        s.setEnabled("daily-refresh", false);
        clock.set(Instant.parse("2026-11-23T03:00:00Z").plus(Duration.ofMinutes(1)));

        assertThat(s.tick()).doesNotContain("daily-refresh");
        assertThat(seeds.get()).isZero();
        assertThatThrownBy(() -> s.setCron("daily-refresh", "61 * * * *")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("61 * * * *");
        assertThatThrownBy(() -> s.setEnabled("nope", true)).isInstanceOf(ConfigurationException.class).hasMessageContaining("nope");
        assertThat(s.runNow("retry-failed-assets")).isEqualTo("retried " + retries.get());
    }
}
