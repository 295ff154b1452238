package dev.pokepedia.syncclient;

import java.time.Clock;
import java.util.Objects;

/**
 * Hybrid logical clock: stamps are (ms, counter, node), compared in that order.
 *
 * <p>The physical part is the device clock corrected by the offset to the server's clock, measured from
 * {@code server_time_ms} on every sync response. Stamps seen from others are merged (so an edit made after seeing
 * another one always carries a later stamp), but never beyond the corrected time plus {@code maxDriftMs}: a stamp
 * further ahead can only come from a wrong clock, and keeping it would let that device win every newest-wins
 * comparison for as long as its clock is ahead.
 */
public final class Hlc {

    /** A parsed stamp. */
    public record Stamp(long ms, int counter, String node) implements Comparable<Stamp> {

        public static Stamp parse(String s) {
            if (s == null || s.isEmpty()) {
                return new Stamp(0, 0, "");
            }
            String[] p = s.split(":", 3);
            try {
                return new Stamp(Long.parseLong(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 0, p.length > 2 ? p[2] : "");
            } catch (NumberFormatException e) {
                throw SyncClientException.badInput("malformed HLC stamp '" + s + "' (want 16-digit ms:4-digit counter:node)");
            }
        }

        @Override
        public int compareTo(Stamp o) {
            int c = Long.compare(ms, o.ms);
            if (c == 0) {
                c = Integer.compare(counter, o.counter);
            }
            return c != 0 ? c : node.compareTo(o.node);
        }

        @Override
        public String toString() {
            // why: not String.format; this runs for every local change
            String m = Long.toString(ms);
            String c = Integer.toString(counter);
            StringBuilder b = new StringBuilder(22 + node.length());
            b.append("0".repeat(Math.max(0, 16 - m.length()))).append(m).append(':');
            b.append("0".repeat(Math.max(0, 4 - c.length()))).append(c).append(':').append(node);
            return b.toString();
        }
    }

    private final Clock clock;
    private final String node;
    private final long maxDriftMs;
    private long lastMs;
    private int counter;
    private long offsetMs;

    public Hlc(Clock clock, String node, long maxDriftMs, long lastMs, int counter, long offsetMs) {
        this.clock = Objects.requireNonNull(clock);
        this.node = node;
        this.maxDriftMs = maxDriftMs;
        this.lastMs = lastMs;
        this.counter = counter;
        this.offsetMs = offsetMs;
    }

    private long physical() {
        return clock.millis() + offsetMs;
    }

    /** A new stamp for a local event. */
    public synchronized Stamp now() {
        long pt = physical();
        if (pt > lastMs) {
            lastMs = pt;
            counter = 0;
        } else {
            counter++;
        }
        return new Stamp(lastMs, counter, node);
    }

    /** Merges the server's time of a response: re-measures the offset, and drops a logical time a wrong clock left ahead. */
    public synchronized void observeServerTime(long serverTimeMs) {
        observeServerTime(serverTimeMs, clock.millis());
    }

    /**
     * As {@link #observeServerTime(long)}, with the device time the server's time corresponds to: the midpoint of the
     * request's send and receive times, as NTP does, so the offset is off by at most half the round trip.
     */
    public synchronized void observeServerTime(long serverTimeMs, long deviceMidpointMs) {
        offsetMs = serverTimeMs - deviceMidpointMs;
        if (lastMs > serverTimeMs + maxDriftMs) {
            lastMs = serverTimeMs;
            counter = 0;
        }
        merge(new Stamp(serverTimeMs, 0, ""));
    }

    /** Merges a stamp seen from another device (a pull change, a conflict's server row). */
    public synchronized void merge(Stamp remote) {
        long pt = physical();
        if (remote.ms() > pt + maxDriftMs) {
            return; // why: from a clock that is ahead; see the class comment
        }
        if (remote.ms() > lastMs) {
            lastMs = remote.ms();
            counter = remote.counter();
        } else if (remote.ms() == lastMs) {
            counter = Math.max(counter, remote.counter());
        }
    }

    /** Persistable state: "lastMs:counter:offsetMs". */
    public synchronized String state() {
        return lastMs + ":" + counter + ":" + offsetMs;
    }

    static Hlc fromState(Clock clock, String node, long maxDriftMs, String state) {
        if (state == null) {
            return new Hlc(clock, node, maxDriftMs, 0, 0, 0);
        }
        String[] p = state.split(":");
        return new Hlc(clock, node, maxDriftMs, Long.parseLong(p[0]), Integer.parseInt(p[1]), Long.parseLong(p[2]));
    }

    public synchronized long offsetMs() {
        return offsetMs;
    }

    public String node() {
        return node;
    }
}
