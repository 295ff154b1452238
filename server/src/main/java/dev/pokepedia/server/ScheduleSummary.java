package dev.pokepedia.server;

import java.time.Duration;
import java.time.Instant;

/**
 * One schedule as the dashboard shows it. The server does not own {@code pokepedia_schedules}; whoever wires
 * {@link AdminActions} (serve, through the live path's scheduler) answers {@link AdminActions#schedules()}.
 *
 * @param nextRunAt    null when not planned
 * @param lastRunAt    null when it never ran
 * @param lastResult   {@code ok}, {@code failed} or null
 * @param lastDuration null when it never finished
 */
public record ScheduleSummary(String name, String cron, String task, boolean enabled, Instant nextRunAt, Instant lastRunAt,
                              String lastResult, Duration lastDuration, String lastError) {

    /** Whether its last run failed (the dashboard lists it among the errors). */
    public boolean lastRunFailed() {
        return "failed".equals(lastResult) && lastRunAt != null;
    }
}
