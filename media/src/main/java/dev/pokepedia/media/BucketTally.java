package dev.pokepedia.media;

import java.util.EnumMap;

/** One bucket's running counts in a mirror run; every asset adds one result (and its bytes when written). */
final class BucketTally {

    /** What became of one asset the source delivered. */
    enum Result { STORED, UNCHANGED, MISSING, FAILED }

    private final EnumMap<Result, Long> results = new EnumMap<>(Result.class);
    private long bytes;

    synchronized void add(Result result, long written) {
        results.merge(result, 1L, Long::sum);
        bytes += written;
    }

    synchronized MirrorReport.Counts counts() {
        long asked = results.values().stream().mapToLong(Long::longValue).sum();
        return new MirrorReport.Counts(results.getOrDefault(Result.STORED, 0L), results.getOrDefault(Result.UNCHANGED, 0L),
                results.getOrDefault(Result.MISSING, 0L), results.getOrDefault(Result.FAILED, 0L), bytes, asked);
    }
}
