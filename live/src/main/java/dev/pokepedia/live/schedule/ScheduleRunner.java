package dev.pokepedia.live.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ticks a {@link Scheduler} in the background: at each next due time, and at least every 30 s (schedules edited elsewhere). */
public final class ScheduleRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScheduleRunner.class);
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final Duration MIN_WAIT = Duration.ofMillis(500);

    private final Thread thread;
    private volatile boolean stopped;

    public ScheduleRunner(Scheduler scheduler, Clock clock) {
        this.thread = Thread.ofVirtual().name("scheduler").start(() -> {
            while (!stopped) {
                Duration wait = MAX_WAIT;
                try {
                    scheduler.tick();
                    Instant next = scheduler.nextDue().orElse(null);
                    if (next != null) {
                        Duration until = Duration.between(clock.instant(), next);
                        wait = until.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : until.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : until;
                    }
                } catch (RuntimeException e) {
                    log.warn("Scheduler tick failed; trying again in {} s", MAX_WAIT.toSeconds(), e);
                }
                try {
                    Thread.sleep(wait); // why: waiting for wall-clock time is this thread's whole job
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
