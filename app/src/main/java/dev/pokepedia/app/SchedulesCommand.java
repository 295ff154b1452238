package dev.pokepedia.app;

import dev.pokepedia.live.schedule.Schedule;
import dev.pokepedia.live.schedule.Scheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "schedules", mixinStandardHelpOptions = true,
        description = {"List the cron schedules (UTC) with last run, result, duration and next run.",
                "Creates the defaults if missing: daily-refresh (seed from the upstream; ETags make unchanged documents cheap), "
                        + "retry-failed-assets (hourly), archive-cleanup (daily). They fire in any running `pokepedia work` / `serve`, once per due time across processes."},
        subcommands = {SchedulesCommand.Enable.class, SchedulesCommand.Disable.class, SchedulesCommand.SetCron.class, SchedulesCommand.RunNow.class})
final class SchedulesCommand extends LiveCommand {

    @Override
    int run(LiveSession session, GlobalOptions.Settings settings) throws Exception {
        print(scheduler(session), settings.json());
        return 0;
    }

    /** The session's scheduler, with the default schedules created if missing. */
    static Scheduler scheduler(LiveSession session) {
        Scheduler s = session.scheduler();
        s.ensureDefaults();
        return s;
    }

    static void print(Scheduler s, boolean json) throws Exception {
        if (json) {
            var rows = s.list().stream().map(x -> {
                var m = new java.util.LinkedHashMap<String, Object>();
                m.put("name", x.name());
                m.put("cron", x.cron());
                m.put("task", x.task());
                m.put("enabled", x.enabled());
                m.put("next_run_at", String.valueOf(x.nextRunAt()));
                m.put("last_run_at", x.lastRunAt() == null ? null : x.lastRunAt().toString());
                m.put("last_result", x.lastResult());
                m.put("last_duration_ms", x.lastDuration() == null ? null : x.lastDuration().toMillis());
                m.put("last_error", x.lastError());
                m.put("last_summary", x.lastSummary());
                return m;
            }).toList();
            GlobalOptions.printJson(System.out, rows);
            return;
        }
        System.out.printf("%-22s %-14s %-20s %-8s %-22s %-8s %8s  %s%n", "name", "cron (UTC)", "task", "enabled", "next run", "last", "took", "last summary / error");
        for (Schedule x : s.list()) {
            System.out.printf("%-22s %-14s %-20s %-8s %-22s %-8s %8s  %s%n", x.name(), x.cron(), x.task(), x.enabled() ? "yes" : "no",
                    x.nextRunAt(), x.lastResult() == null ? "never" : x.lastResult(),
                    x.lastDuration() == null ? "" : x.lastDuration().toMillis() + " ms",
                    x.lastError() != null ? x.lastError() : x.lastSummary() == null ? "" : x.lastSummary());
        }
    }

    /** A subcommand that changes one schedule by name, then lists them all. */
    abstract static class Change extends LiveCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        abstract void apply(Scheduler s);

        @Override
        int run(LiveSession session, GlobalOptions.Settings settings) throws Exception {
            Scheduler s = scheduler(session);
            apply(s);
            print(s, false);
            return 0;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a schedule.")
    static final class Enable extends Change {
        @Override
        void apply(Scheduler s) {
            s.setEnabled(name, true);
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a schedule.")
    static final class Disable extends Change {
        @Override
        void apply(Scheduler s) {
            s.setEnabled(name, false);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a schedule's cron expression, e.g. set daily-refresh '30 2 * * *'.")
    static final class SetCron extends Change {
        @Parameters(index = "1", paramLabel = "CRON")
        String cron;

        @Override
        void apply(Scheduler s) {
            s.setCron(name, cron);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a schedule's task now (its cron times are unchanged).")
    static final class RunNow extends LiveCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(LiveSession session, GlobalOptions.Settings settings) throws Exception {
            String result = scheduler(session).runNow(name);
            System.out.println(name + ": " + result);
            return result.startsWith("failed") ? 1 : 0;
        }
    }
}
