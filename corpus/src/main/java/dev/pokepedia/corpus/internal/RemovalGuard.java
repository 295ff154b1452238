package dev.pokepedia.corpus.internal;

import dev.pokepedia.corpus.DocumentId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether the documents a source no longer holds may be tombstoned. A source that reads to its end can still
 * be short (a folder copied half-way, an archive rebuilt from a cut stream), so removals need evidence beyond "not
 * seen": the source's own list counts must be met, no endpoint may vanish whole, and no more than a share of the
 * stored documents may go. Any of these can be overridden on purpose ({@code --allow-mass-removal}).
 */
public final class RemovalGuard {

    /** What the source and the store say; all counts are of documents, per resource type. */
    public record Evidence(Map<String, Integer> listCounts, Map<String, Long> readPerType, Map<String, Long> storedLivePerType,
                           Collection<DocumentId> removed) {}

    private final double maxShare;

    /** @param maxShare the largest share (0..1) of the stored live documents one run may tombstone */
    public RemovalGuard(double maxShare) {
        if (!(maxShare >= 0 && maxShare <= 1)) {
            throw new IllegalArgumentException("the removal share must lie between 0 and 1, not " + maxShare);
        }
        this.maxShare = maxShare;
    }

    /** The reasons to refuse these removals, empty when they may go ahead. */
    public List<String> objections(Evidence e) {
        List<String> out = new ArrayList<>();
        if (e.removed().isEmpty()) {
            return out;
        }
        Map<String, Long> removedPerType = new TreeMap<>();
        e.removed().forEach(id -> removedPerType.merge(id.type(), 1L, Long::sum));
        new TreeMap<>(e.listCounts()).forEach((endpoint, listed) -> {
            long read = e.readPerType().getOrDefault(endpoint, 0L);
            if (read < listed) {
                out.add("the source's own list says " + listed + " '" + endpoint + "' documents but only " + read + " were read");
            }
        });
        removedPerType.forEach((type, n) -> {
            long stored = e.storedLivePerType().getOrDefault(type, 0L);
            if (n == stored && e.readPerType().getOrDefault(type, 0L) == 0) {
                out.add("every stored '" + type + "' document (" + stored + ") would be removed: the source has none");
            }
        });
        long storedTotal = e.storedLivePerType().values().stream().mapToLong(Long::longValue).sum();
        long removedTotal = e.removed().size();
        if (removedTotal > maxShare * storedTotal) {
            out.add(String.format(java.util.Locale.ROOT, "%d of %d stored documents (%.1f %%) would be removed, more than the %.1f %% limit",
                    removedTotal, storedTotal, 100.0 * removedTotal / Math.max(1, storedTotal), 100 * maxShare));
        }
        return out;
    }
}
