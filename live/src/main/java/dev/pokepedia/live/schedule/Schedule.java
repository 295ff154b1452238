package dev.pokepedia.live.schedule;

import java.time.Duration;
import java.time.Instant;

/** One row of {@code pokepedia_schedules}. */
public record Schedule(String name, String cron, String task, boolean enabled, Instant nextRunAt, Instant lastRunAt,
                       String lastResult, Duration lastDuration, String lastError, String lastSummary) {
}
