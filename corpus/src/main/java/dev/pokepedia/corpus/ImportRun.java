package dev.pokepedia.corpus;

import dev.pokepedia.corpus.internal.CanonicalStore;
import dev.pokepedia.corpus.internal.RemovalGuard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Mutable state of one import run, owned by the pipeline's writer thread except where noted. */
final class ImportRun {
    final ImportOptions options;
    Map<DocumentId, CanonicalStore.Stored> stored;
    Map<DocumentId, CanonicalStore.SourceHash> sources;
    /** Set (by the writer's setup) once {@link #stored} and {@link #sources} are loaded; the parsers read them after. */
    volatile boolean indexReady;
    /** Counted down when the index is loaded or its loading failed; parsers wait for it when {@link #waitForIndex}. */
    final java.util.concurrent.CountDownLatch indexDone = new java.util.concurrent.CountDownLatch(1);
    /** Parsers wait for the index (an existing store: only the load); on a fresh database they do not (nothing to skip). */
    volatile boolean waitForIndex;
    long unchangedBySource; // writer thread
    final Set<DocumentId> seen = new HashSet<>();
    final Set<DocumentId> skippedDocuments = ConcurrentHashMap.newKeySet();
    final Map<String, Counts> counts = new ConcurrentHashMap<>();
    final Map<String, Integer> endpointCounts = new TreeMap<>();
    final List<Problem> problems = Collections.synchronizedList(new CopyOnWriteArrayList<>());
    final List<Problem> invalid = new CopyOnWriteArrayList<>();
    final AtomicLong jsonBytes = new AtomicLong();
    long documentsSeen;
    boolean complete;
    long runId; // the import_runs row; 0 for a dry run (set by the writer's setup)

    ImportRun(ImportOptions options) {
        this.options = options;
    }

    Counts counts(String type) {
        return counts.computeIfAbsent(type, t -> new Counts());
    }

    List<DocumentId> removedIds() {
        List<DocumentId> removed = new ArrayList<>();
        stored.forEach((id, s) -> {
            if (!s.deleted() && !seen.contains(id) && !skippedDocuments.contains(id)) {
                removed.add(id);
            }
        });
        Collections.sort(removed);
        return removed;
    }

    RemovalGuard.Evidence evidence(List<DocumentId> removed) {
        Map<String, Long> read = new TreeMap<>();
        seen.forEach(id -> read.merge(id.type(), 1L, Long::sum));
        skippedDocuments.stream().filter(id -> !seen.contains(id)).forEach(id -> read.merge(id.type(), 1L, Long::sum));
        Map<String, Long> live = new TreeMap<>();
        stored.forEach((id, s) -> {
            if (!s.deleted()) {
                live.merge(id.type(), 1L, Long::sum);
            }
        });
        return new RemovalGuard.Evidence(Map.copyOf(endpointCounts), read, live, removed);
    }

    SortedMap<String, ChangeCounts> changes() {
        SortedMap<String, ChangeCounts> out = new TreeMap<>();
        counts.forEach((t, c) -> out.put(t, new ChangeCounts(c.added, c.changed, c.unchanged, c.removed, c.invalid)));
        return out;
    }

    /** Written by the writer thread only; read after it finished. */
    static final class Counts {
        long added;
        long changed;
        long unchanged;
        long removed;
        long invalid;
    }
}
