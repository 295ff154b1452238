package dev.pokepedia.app;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a running job: one progress bar per part (rate, ETA) on a terminal, a plain line every few seconds otherwise
 * (CI logs, pipes). Polls snapshot suppliers so the job itself never waits for the display.
 */
final class ProgressView implements AutoCloseable {

    /** What a part reports: done/total in its unit (total -1 if unknown) and a short status text. */
    record Snapshot(long done, long total, String status) {}

    /** One part of the job, shown as its own bar: its name, its unit (e.g. " files", or "MB" of 2^20 bytes). */
    record Part(String name, String unit, long unitSize, Supplier<Snapshot> source) {}

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });
    private final List<Part> parts;
    private final List<ProgressBar> bars = new ArrayList<>();
    private final PrintStream plain;
    private final long startNanos = System.nanoTime();

    ProgressView(String task, String unit, long unitSize, Supplier<Snapshot> source, boolean quiet) {
        this(List.of(new Part(task, unit, unitSize, source)), quiet);
    }

    ProgressView(List<Part> parts, boolean quiet) {
        this.parts = List.copyOf(parts);
        boolean terminal = System.console() != null && !quiet;
        if (terminal) {
            for (Part p : parts) {
                bars.add(new ProgressBarBuilder().setTaskName(p.name()).setUnit(p.unit(), p.unitSize()).setInitialMax(-1)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed().build());
            }
        }
        this.plain = terminal || quiet ? null : System.err;
        ticker.scheduleAtFixedRate(this::tick, terminal ? 200 : 5000, terminal ? 200 : 5000, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Snapshot s = parts.get(i).source().get();
            if (!bars.isEmpty()) {
                ProgressBar bar = bars.get(i);
                if (s.total() > 0 && bar.getMax() != s.total()) {
                    bar.maxHint(s.total());
                }
                bar.stepTo(s.done());
                bar.setExtraMessage(" " + s.status());
            } else {
                texts.add(plainText(parts.get(i), s, elapsed));
            }
        }
        if (plain != null) {
            plain.printf("[%ds] %s%n", elapsed.toSeconds(), String.join(" | ", texts));
        }
    }

    /** What a bar shows, as one line of text: name, share, amount, rate, time left, status. */
    static String plainText(Part part, Snapshot s, Duration elapsed) {
        double secs = Math.max(1e-3, elapsed.toMillis() / 1000.0);
        double unit = part.unitSize();
        StringBuilder t = new StringBuilder(part.name());
        if (s.total() > 0) {
            t.append(String.format(" %.0f%%", 100.0 * s.done() / s.total()));
        }
        t.append(String.format(" %s%s%s, %s%s/s", amount(s.done() / unit), s.total() > 0 ? "/" + amount(s.total() / unit) : "",
                part.unit(), amount(s.done() / unit / secs), part.unit()));
        if (s.total() > 0 && s.done() > 0 && s.done() < s.total()) {
            t.append(", ETA ").append(clock(Math.round(secs * (s.total() - s.done()) / s.done())));
        }
        return s.status().isEmpty() ? t.toString() : t + " · " + s.status();
    }

    private static String amount(double v) {
        return v == Math.rint(v) || v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
    }

    static String clock(long seconds) {
        return String.format("%d:%02d", seconds / 60, seconds % 60);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (!bars.isEmpty()) {
            tick();
            bars.forEach(ProgressBar::close);
        }
    }
}
