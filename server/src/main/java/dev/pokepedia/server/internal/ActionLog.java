package dev.pokepedia.server.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The dashboard's recent admin actions of this process, newest first, with their outcome. */
public final class ActionLog {

    public record Entry(Instant at, String action, String outcome, boolean failed) {
        /** {@code HH:mm:ss} UTC, for the dashboard. */
        public String time() {
            return TIME.format(at);
        }
    }

    private static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

    private static final int KEEP = 50;

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Clock clock;

    public ActionLog(Clock clock) {
        this.clock = clock;
    }

    public synchronized void record(String action, String outcome, boolean failed) {
        entries.addFirst(new Entry(clock.instant(), action, outcome, failed));
        while (entries.size() > KEEP) {
            entries.removeLast();
        }
    }

    /** The newest entry of one action, if it was run and is still remembered. */
    public synchronized java.util.Optional<Entry> latest(String action) {
        return entries.stream().filter(e -> e.action().equals(action)).findFirst();
    }

    public synchronized List<Entry> recent(int n) {
        List<Entry> out = new ArrayList<>(Math.min(n, entries.size()));
        for (Entry e : entries) {
            if (out.size() == n) {
                break;
            }
            out.add(e);
        }
        return out;
    }
}
