package dev.pokepedia.server.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits wrong admin passwords: at most {@code perClient} failures per client address within a window, and at most
 * {@code overall} failures from all addresses together (so guessing from many addresses is slow too). A blocked
 * attempt is refused before the password is even looked at.
 */
public final class LoginThrottle {

    private record Window(Instant start, int failures) {}

    private static final String ALL = "*";

    private final int perClient;
    private final int overall;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LoginThrottle(int perClient, int overall, Duration window, Clock clock) {
        this.perClient = perClient;
        this.overall = overall;
        this.window = window;
        this.clock = clock;
    }

    /** Seconds until this client may try again, or 0 when it may try now. */
    public long blockedForSeconds(String client) {
        return Math.max(blocked(client, perClient), blocked(ALL, overall));
    }

    public void failed(String client) {
        bump(client);
        bump(ALL);
    }

    public void succeeded(String client) {
        windows.remove(client);
    }

    private long blocked(String key, int limit) {
        Window w = current(key);
        if (w == null || w.failures() < limit) {
            return 0;
        }
        return Math.max(1, Duration.between(clock.instant(), w.start().plus(window)).toSeconds() + 1);
    }

    private void bump(String key) {
        Instant now = clock.instant();
        windows.compute(key, (k, w) -> w == null || !now.isBefore(w.start().plus(window)) ? new Window(now, 1)
                : new Window(w.start(), w.failures() + 1));
        if (windows.size() > 10_000) {
            windows.entrySet().removeIf(e -> !now.isBefore(e.getValue().start().plus(window))); // bounded memory
        }
    }

    private Window current(String key) {
        Window w = windows.get(key);
        return w == null || !clock.instant().isBefore(w.start().plus(window)) ? null : w;
    }
}
