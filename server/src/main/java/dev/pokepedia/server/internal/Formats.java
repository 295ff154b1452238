package dev.pokepedia.server.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Human-readable ages and durations for the dashboard. */
public final class Formats {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private Formats() {
    }

    public static String duration(double seconds) {
        if (seconds < 1) {
            return String.format("%.0f ms", seconds * 1000);
        }
        if (seconds < 90) {
            return String.format("%.1f s", seconds);
        }
        if (seconds < 5400) {
            return String.format("%.0f min", seconds / 60);
        }
        if (seconds < 172_800) {
            return String.format("%.1f h", seconds / 3600);
        }
        return String.format("%.1f d", seconds / 86_400);
    }

    public static String ago(Instant t, Instant now) {
        long s = Duration.between(t, now).toSeconds();
        return s < 5 ? "just now" : duration(s) + " ago";
    }

    public static String in(Instant t, Instant now) {
        long s = Duration.between(now, t).toSeconds();
        return s <= 0 ? "due now" : "in " + duration(s);
    }

    /** {@code HH:mm} UTC. */
    public static String clock(Instant t) {
        return HH_MM.format(t) + " UTC";
    }
}
