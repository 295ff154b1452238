package dev.pokepedia.app;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.live.LiveQueues;
import dev.pokepedia.live.schedule.ScheduleRunner;
import dev.pokepedia.live.schedule.Scheduler;
import dev.pokepedia.queue.QueueStats;
import dev.pokepedia.queue.WorkerStats;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "work", mixinStandardHelpOptions = true,
        description = {"Run the ingest and sprite workers (and, unless --drain or --no-schedules, the scheduler) until stopped.",
                "Start more processes against the same database to scale out; each message goes to one of them.",
                "Ctrl-C / SIGTERM: stop claiming, finish in-flight messages, hand back the rest."})
final class WorkCommand extends LiveCommand {

    @Option(names = "--queue", split = ",", paramLabel = "QUEUE", description = "ingest, sprites (or their full names); default: both.")
    List<String> queues = List.of();

    @Option(names = "--drain", description = "Exit once the queues are empty and everything stored is projected.")
    boolean drain;

    @Option(names = "--no-schedules", description = "Do not run the scheduler in this process.")
    boolean noSchedules;

    private Set<String> which;

    @Override
    void checkOptions() {
        which = resolve(queues);
    }

    @Override
    int run(LiveSession s, GlobalOptions.Settings settings) throws Exception {
        s.live.start(which);
        if (drain) {
            long t0 = System.nanoTime();
            try (var view = new ProgressView("work", " msgs", 1, () -> snapshot(s, which), settings.json())) {
                s.live.awaitDrained(which, Duration.ofMillis(100));
            }
            s.live.shutdown(Duration.ofSeconds(30));
            double secs = (System.nanoTime() - t0) / 1e9;
            printSummary(s, which, secs);
            return 0;
        }
        ScheduleRunner runner = null;
        if (!noSchedules) {
            Scheduler scheduler = s.scheduler();
            scheduler.ensureDefaults();
            runner = new ScheduleRunner(scheduler, s.clock);
        }
        System.err.println("working on " + which + (runner == null ? "" : " with the scheduler") + "; Ctrl-C to stop");
        CountDownLatch stopped = new CountDownLatch(1);
        ScheduleRunner r = runner;
        Thread hook = new Thread(() -> {
            try {
                if (r != null) {
                    r.close();
                }
                s.live.shutdown(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }

    private static ProgressView.Snapshot snapshot(LiveSession s, Set<String> which) {
        long done = 0;
        long depth = 0;
        StringBuilder status = new StringBuilder();
        List<QueueStats> stats = s.queues.stats(); // why once: this runs on every progress tick
        for (String q : which) {
            WorkerStats w = s.live.runtime() == null ? null : s.live.runtime().stats(q);
            long finished = w == null ? 0 : w.succeeded() + w.deadLettered();
            done += finished;
            long d = stats.stream().filter(x -> x.queue().equals(q)).mapToLong(QueueStats::depth).sum();
            depth += d;
            status.append(String.format(" %s %d done/%d left", q.replace("pokepedia_", ""), finished, d));
        }
        return new ProgressView.Snapshot(done, done + depth, status.toString().trim());
    }

    private static void printSummary(LiveSession s, Set<String> which, double secs) {
        for (String q : which) {
            QueueStats st = s.queues.stats().stream().filter(x -> x.queue().equals(q)).findFirst().orElseThrow();
            System.out.printf("%s: processed in the last hour %d, dead letters %d, left %d%n", q, st.processedLastHour(), st.deadLetters(), st.depth());
        }
        var m = s.registry.find("pokepedia.ingest.documents").counters();
        StringBuilder docs = new StringBuilder();
        long total = 0;
        for (var c : m) {
            docs.append(' ').append(c.getId().getTag("outcome")).append('=').append((long) c.count());
            total += (long) c.count();
        }
        System.out.printf("documents:%s (%d in %.1f s, %.0f docs/s); upstream retries %d%n", docs, total, secs, total / Math.max(secs, 1e-3),
                s.live.upstream().retries());
        var a = s.registry.find("pokepedia.sprites.assets").counters();
        StringBuilder assets = new StringBuilder();
        for (var c : a) {
            assets.append(' ').append(c.getId().getTag("outcome")).append('=').append((long) c.count());
        }
        if (!assets.isEmpty()) {
            System.out.println("assets:" + assets);
        }
    }

    static Set<String> resolve(List<String> names) {
        if (names.isEmpty()) {
            return Set.of(LiveQueues.INGEST, LiveQueues.SPRITES);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            switch (n.trim()) {
                case "ingest", LiveQueues.INGEST -> out.add(LiveQueues.INGEST);
                case "sprites", LiveQueues.SPRITES -> out.add(LiveQueues.SPRITES);
                default -> throw new ConfigurationException("Unknown queue '" + n + "'", "Use --queue ingest, --queue sprites, or both.");
            }
        }
        return out;
    }
}
