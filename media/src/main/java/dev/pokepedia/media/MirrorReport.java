package dev.pokepedia.media;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a mirror pass per bucket, with examples of what went wrong, and the temporary upload files of killed
 * runs it removed at its start.
 */
public record MirrorReport(Map<String, Counts> buckets, List<String> failures, List<String> missingExamples, Duration elapsed,
                           boolean dryRun, List<ObjectStore.Leftover> removedUploads) {

    /**
     * Per bucket: {@code stored} objects written now (or that would be, in a dry run), {@code unchanged} already
     * stored with the same SHA-256, {@code missing} absent from the source, {@code failed}, and bytes written.
     */
    public record Counts(long stored, long unchanged, long missing, long failed, long bytes, long asked) {
        public Counts plus(Counts o) {
            return new Counts(stored + o.stored, unchanged + o.unchanged, missing + o.missing, failed + o.failed, bytes + o.bytes, asked + o.asked);
        }
    }

    public long totalFailed() {
        return buckets.values().stream().mapToLong(Counts::failed).sum();
    }

    public long totalStored() {
        return buckets.values().stream().mapToLong(Counts::stored).sum();
    }

    public long totalUnchanged() {
        return buckets.values().stream().mapToLong(Counts::unchanged).sum();
    }
}
