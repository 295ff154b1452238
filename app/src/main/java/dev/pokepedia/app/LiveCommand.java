package dev.pokepedia.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;

/**
 * A command of the live path (seed, work, selftest): the global and live options, and the {@link LiveSession} they
 * open for {@link #run}, closed after it whatever happens.
 */
abstract class LiveCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @ArgGroup(exclusive = false)
    LiveOptions live = new LiveOptions();

    @Override
    public final Integer call() throws Exception {
        var settings = global.settings();
        checkOptions();
        try (LiveSession s = new LiveSession(settings, live.config(settings.env()), live.storage)) {
            return run(s, settings);
        }
    }

    /** Checks the command's own options before anything is opened; by default there are none to check. */
    void checkOptions() {
    }

    /** The command's work on the open session; returns the exit code. */
    abstract int run(LiveSession s, GlobalOptions.Settings settings) throws Exception;
}
