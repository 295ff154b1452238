package dev.pokepedia.server.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits wrong admin passwords. Per client (an IPv4 address, or an IPv6 /64, which one host usually has to itself):
 * after {@code perClient} failures within a window that client is refused until the window ends. Across all clients:
 * after {@code overall} failures within a window every attempt waits {@code slowdown} before its password is looked
 * at, so guessing from many addresses is slow too. why: refusing everyone would let anyone who can reach the login
 * page lock the admin out; a delay costs the admin a second and the guesser most of their rate.
 */
public final class LoginThrottle {

    /** What to do with one login attempt. */
    public sealed interface Decision {
        /** This client tried too many wrong passwords; it may try again after the given seconds. */
        record Refuse(long retryAfterSeconds) implements Decision {}

        /** Check the password after waiting {@code delay} (zero unless many wrong passwords came from everywhere). */
        record Proceed(Duration delay) implements Decision {}
    }

    private record Window(Instant start, int failures) {}

    private static final String ALL = "*";
    private static final int MAX_TRACKED = 10_000;

    private final int perClient;
    private final int overall;
    private final Duration window;
    private final Duration slowdown;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LoginThrottle(int perClient, int overall, Duration window, Duration slowdown, Clock clock) {
        this.perClient = perClient;
        this.overall = overall;
        this.window = window;
        this.slowdown = slowdown;
        this.clock = clock;
    }

    public Decision decide(String client) {
        Window mine = current(key(client));
        if (mine != null && mine.failures() >= perClient) {
            return new Decision.Refuse(Math.max(1, Duration.between(clock.instant(), mine.start().plus(window)).toSeconds() + 1));
        }
        Window all = current(ALL);
        return new Decision.Proceed(all != null && all.failures() >= overall ? slowdown : Duration.ZERO);
    }

    /** Wrong passwords from all clients within the current window. */
    public int failuresOverall() {
        Window all = current(ALL);
        return all == null ? 0 : all.failures();
    }

    public void failed(String client) {
        bump(key(client));
        bump(ALL);
    }

    public void succeeded(String client) {
        windows.remove(key(client));
    }

    /** The throttled unit of a client address: IPv4 as is, IPv6 by its /64 prefix. */
    static String key(String client) {
        if (client == null || client.indexOf(':') < 0) {
            return String.valueOf(client);
        }
        try {
            // why: a literal is parsed without any name lookup
            String literal = client.startsWith("[") && client.endsWith("]") ? client.substring(1, client.length() - 1) : client;
            int zone = literal.indexOf('%');
            byte[] a = InetAddress.getByName(zone < 0 ? literal : literal.substring(0, zone)).getAddress();
            return a.length == 16 ? HexFormat.of().formatHex(Arrays.copyOf(a, 8)) + "::/64" : InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return client;
        }
    }

    private void bump(String key) {
        Instant now = clock.instant();
        windows.compute(key, (k, w) -> w == null || !now.isBefore(w.start().plus(window)) ? new Window(now, 1)
                : new Window(w.start(), w.failures() + 1));
        if (windows.size() > MAX_TRACKED) {
            windows.entrySet().removeIf(e -> !now.isBefore(e.getValue().start().plus(window))); // bounded memory
        }
    }

    private Window current(String key) {
        Window w = windows.get(key);
        return w == null || !clock.instant().isBefore(w.start().plus(window)) ? null : w;
    }
}
