package dev.pokepedia.medialibrary;

import java.time.Duration;

/** Waits; injected so that tests of rate limiting record the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d);
}
