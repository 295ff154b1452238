package dev.pokepedia.medialibrary;

/**
 * @param prefix    only assets whose public id starts with this (empty = all); a folder is {@code folder/}
 * @param batchSize assets per listed page, applied in one transaction (1..500)
 * @param dryRun    compute and return the diff, write nothing
 * @param force     start a new run from the first page even when an interrupted one could be resumed
 * @param maxPages  stop (resumably) after this many pages; 0 = no limit
 */
public record ReconcileOptions(String prefix, int batchSize, boolean dryRun, boolean force, int maxPages) {
    public ReconcileOptions {
        prefix = prefix == null ? "" : prefix;
        if (batchSize < 1 || batchSize > 500) {
            throw new IllegalArgumentException("batch_size must be 1..500, got " + batchSize);
        }
        if (maxPages < 0) {
            throw new IllegalArgumentException("max pages must be ≥ 0, got " + maxPages);
        }
    }

    public static ReconcileOptions defaults() {
        return new ReconcileOptions("", 500, false, false, 0);
    }

    public ReconcileOptions withDryRun(boolean d) {
        return new ReconcileOptions(prefix, batchSize, d, force, maxPages);
    }

    public ReconcileOptions withBatchSize(int n) {
        return new ReconcileOptions(prefix, n, dryRun, force, maxPages);
    }
}
