package dev.pokepedia.media;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors assets from their sources into an object store: sprites and cries side by side, each fanned out on
 * virtual threads. Bytes are hashed as they arrive, checked against their extension, compared with what is stored,
 * written, and only then recorded as stored. Outcomes are recorded in batches, so a killed run loses at most the
 * last batch of records; the rerun finds those objects already in the store (same SHA-256) and does not upload them.
 */
public final class MirrorEngine {

    private static final Logger log = LoggerFactory.getLogger(MirrorEngine.class);
    private static final int EXAMPLES = MirrorSink.EXAMPLES;

    private final AssetManifest manifest;
    private final ObjectStore store;
    private final MirrorOptions options;
    private final Clock clock;
    private final Map<AssetKind, Progress> progress = new ConcurrentHashMap<>();

    /** Live counters of one kind, for progress bars. */
    public static final class Progress {
        public final AtomicLong total = new AtomicLong();
        public final AtomicLong done = new AtomicLong();
        public final AtomicLong bytes = new AtomicLong();
        private final AssetSource source;

        public Progress(AssetSource source) {
            this.source = source;
        }

        /** Whether {@link #fraction()} is the share of a streamed archive read rather than files done of those due. */
        public boolean streamed() {
            return source.readFraction() >= 0;
        }

        /**
         * How far this kind is, 0 to 1, or -1 before its work is known. why: an archive is asked for every referenced
         * asset and reports those it lacks only at its end (50k of 54k sprites for the npm package), so its files
         * trail far behind; the share of the archive read does not.
         */
        public double fraction() {
            double streamed = source.readFraction();
            if (streamed >= 0) {
                return streamed;
            }
            long t = total.get();
            return t > 0 ? Math.min(1.0, (double) done.get() / t) : -1;
        }
    }

    public MirrorEngine(AssetManifest manifest, ObjectStore store, MirrorOptions options, Clock clock) {
        this.manifest = manifest;
        this.store = store;
        this.options = options;
        this.clock = clock;
    }

    public Map<AssetKind, Progress> progress() {
        return progress;
    }

    /**
     * Runs every kind that has a source, in parallel. Against a storage other than the one
     * the manifest's stored rows describe, every stored asset is checked against the storage (as with verifyRemote).
     */
    public MirrorReport run(Map<AssetKind, AssetSource> sources) throws InterruptedException {
        Instant start = clock.instant();
        String target = store.describe();
        java.util.Optional<String> recorded = manifest.storageTarget();
        // why: with no record, stored rows come from before storages were recorded and may describe another one
        boolean moved = recorded.map(r -> !r.equals(target)).orElseGet(manifest::anyStored);
        if (recorded.isEmpty() && !moved && !options.dryRun()) {
            manifest.recordStorageTarget(target); // nothing stored yet, so nothing to check
        }
        if (moved) {
            log.info("stored assets were mirrored to {}; checking each of them in {}", recorded.orElse("a storage not on record"), target);
        }
        // why: a run killed mid-write leaves a temporary file; only provably abandoned ones go (see the store's rule),
        // so a process writing the same storage right now keeps its uploads
        List<ObjectStore.Leftover> removed = options.dryRun() ? List.of() : store.removeAbandonedUploads(start);
        if (!removed.isEmpty()) {
            log.info("removed {} temporary upload files left by killed runs in {}", removed.size(), target);
        }
        boolean checkStore = options.verifyRemote() || moved;
        sources.forEach((k, source) -> progress.put(k, new Progress(source)));
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> missing = Collections.synchronizedList(new ArrayList<>());
        Map<String, MirrorReport.Counts> buckets = new TreeMap<>();
        try (ExecutorService kinds = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Map<String, MirrorReport.Counts>>> futures = new ArrayList<>();
            for (var e : sources.entrySet()) {
                futures.add(kinds.submit(() -> runKind(e.getKey(), e.getValue(), failures, missing, checkStore)));
            }
            for (var f : futures) {
                try {
                    buckets.putAll(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
        if (moved && failures.isEmpty() && !options.dryRun()) {
            manifest.recordStorageTarget(target); // why: only a complete check moves the record; else the next run checks again
        }
        return new MirrorReport(buckets, List.copyOf(failures), List.copyOf(missing), Duration.between(start, clock.instant()),
                options.dryRun(), removed);
    }

    private Map<String, MirrorReport.Counts> runKind(AssetKind kind, AssetSource source, List<String> failures, List<String> missing,
                                                     boolean checkStore) throws InterruptedException {
        boolean includeStored = source.cheapToReread() || checkStore;
        Progress p = progress.get(kind);
        source.prepare();
        Set<String> present = source.listing();
        if (present == null) {
            List<Asset> due = manifest.due(kind, includeStored);
            p.total.set(due.size());
            return startTransfer(due, source, p, failures, missing, checkStore);
        }
        // why: a listed source settles its absent assets (50k of 54k sprites for the npm package) in one statement
        // running beside the transfers, instead of loading each row and reporting each file missing
        try (ExecutorService side = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<AssetManifest.Absent> settling = side.submit(() -> manifest.settleAbsent(kind, present, source.describe(), options.dryRun()));
            List<Asset> due = manifest.dueAmong(kind, present, includeStored);
            p.total.set(due.size());
            Map<String, MirrorReport.Counts> counts = new TreeMap<>(startTransfer(due, source, p, failures, missing, checkStore));
            AssetManifest.Absent absent = join(settling);
            absent.examples().stream().limit(Math.max(0, EXAMPLES - missing.size()))
                    .forEach(e -> missing.add(e + ": absent from " + source.describe()));
            absent.missingAndKept().forEach((bucket, c) -> {
                p.total.addAndGet(c[0] + c[1]);
                p.done.addAndGet(c[0] + c[1]);
                counts.merge(bucket, new MirrorReport.Counts(0, c[1], c[0], 0, 0, c[0] + c[1]), MirrorReport.Counts::plus);
            });
            return counts;
        }
    }

    private Map<String, MirrorReport.Counts> startTransfer(List<Asset> due, AssetSource source, Progress p, List<String> failures,
                                                           List<String> missing, boolean checkStore) throws InterruptedException {
        // why: a bucket is made sure of and listed only when some asset is not recorded as stored; a no-change rerun
        // never talks to the store
        Map<String, CompletableFuture<Boolean>> ensured = new ConcurrentHashMap<>();
        Map<String, CompletableFuture<Map<String, Long>>> listings = new ConcurrentHashMap<>();
        Function<String, Map<String, Long>> lister = b -> {
            if (!options.dryRun()) {
                once(ensured, b, () -> {
                    store.ensureBucket(b);
                    return true;
                });
            }
            return once(listings, b, () -> store.list(b));
        };
        return transfer(due, source, p, failures, missing, lister, checkStore);
    }

    private static <T> T join(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** The value for a bucket, computed by the first thread that asks while the others wait for it. */
    private static <T> T once(Map<String, CompletableFuture<T>> done, String bucket, java.util.function.Supplier<T> compute) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> existing = done.putIfAbsent(bucket, mine);
        if (existing == null) {
            try {
                mine.complete(compute.get());
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            }
            existing = mine;
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /**
     * Mirrors the given assets (the sprite worker's path: a few at a time, buckets assumed to exist, the store asked
     * per object instead of listed). Same checks and recording as {@link #run}.
     */
    public MirrorReport mirror(List<Asset> assets, AssetSource source) throws InterruptedException {
        Instant start = clock.instant();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> missing = Collections.synchronizedList(new ArrayList<>());
        Map<String, MirrorReport.Counts> buckets = transfer(assets, source, new Progress(source), failures, missing, b -> null,
                options.verifyRemote());
        return new MirrorReport(buckets, List.copyOf(failures), List.copyOf(missing), Duration.between(start, clock.instant()),
                options.dryRun(), List.of());
    }

    private Map<String, MirrorReport.Counts> transfer(List<Asset> due, AssetSource source, Progress p, List<String> failures,
                                                      List<String> missing, Function<String, Map<String, Long>> lister,
                                                      boolean checkStore) throws InterruptedException {
        MirrorSink sink = new MirrorSink(manifest, store, options, source, p, failures, missing, lister, checkStore);
        source.deliver(due, sink);
        sink.flush();
        return sink.counts();
    }
}
