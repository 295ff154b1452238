package dev.pokepedia.app;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a running job: a progress bar with rate and ETA on a terminal, a plain line every few seconds otherwise
 * (CI logs, pipes). Polls a snapshot supplier so the job itself never waits for the display.
 */
final class ProgressView implements AutoCloseable {

    /** What the job reports: done/total in some unit (total -1 if unknown) and a short status text. */
    record Snapshot(long done, long total, String status) {}

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });
    private final ProgressBar bar;
    private final PrintStream plain;
    private final Supplier<Snapshot> source;
    private final long startNanos = System.nanoTime();

    ProgressView(String task, String unit, long unitSize, Supplier<Snapshot> source, boolean quiet) {
        this.source = source;
        boolean terminal = System.console() != null && !quiet;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(task).setUnit(unit, unitSize).setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed().build() : null;
        this.plain = terminal || quiet ? null : System.err;
        ticker.scheduleAtFixedRate(this::tick, terminal ? 200 : 5000, terminal ? 200 : 5000, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        Snapshot s = source.get();
        if (bar != null) {
            if (s.total() > 0 && bar.getMax() != s.total()) {
                bar.maxHint(s.total());
            }
            bar.stepTo(s.done());
            bar.setExtraMessage(" " + s.status());
        } else if (plain != null) {
            Duration t = Duration.ofNanos(System.nanoTime() - startNanos);
            String pct = s.total() > 0 ? String.format(" %.0f%%", 100.0 * s.done() / s.total()) : "";
            plain.printf("[%ds]%s %s%n", t.toSeconds(), pct, s.status());
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (bar != null) {
            tick();
            bar.close();
        }
    }
}
