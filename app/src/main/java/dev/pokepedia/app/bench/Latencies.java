package dev.pokepedia.app.bench;

/** Latency figures of the load generators, from nanosecond samples sorted ascending. */
final class Latencies {

    private Latencies() {
    }

    /** The {@code q} quantile (nearest rank) in milliseconds; 0 when there are no samples. */
    static double percentileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
