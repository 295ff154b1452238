package dev.pokepedia.media;

import dev.pokepedia.core.Sha256;
import dev.pokepedia.media.AssetManifest.Outcome;
import dev.pokepedia.media.internal.ContentTypes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
    // why: small enough that outcomes reach the manifest while transfers still run (a kill loses less), large enough
    // that a batch costs one round trip per thousand assets
    private static final int RECORD_BATCH = 1000;
    private static final int EXAMPLES = 20;

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
        Sink sink = new Sink(source, p, failures, missing, lister, checkStore);
        source.deliver(due, sink);
        sink.flush();
        return sink.counts();
    }

    /** Receives the source's deliveries for one kind. */
    private final class Sink implements AssetSource.AssetSink {
        private final AssetSource source;
        private final Progress progress;
        private final List<String> failures;
        private final List<String> missing;
        private final List<Outcome> pending = new ArrayList<>();
        private final Recorder recorder = new Recorder();
        private final Map<String, Tally> perBucket = new ConcurrentHashMap<>();

        private final Function<String, Map<String, Long>> lister;
        private final boolean checkStore; // ask the store about assets recorded as stored, too

        Sink(AssetSource source, Progress progress, List<String> failures, List<String> missing, Function<String, Map<String, Long>> lister,
             boolean checkStore) {
            this.lister = lister;
            this.checkStore = checkStore;
            this.source = source;
            this.progress = progress;
            this.failures = failures;
            this.missing = missing;
        }

        @Override
        public boolean alreadyHave(Asset a, String sourceStamp) {
            boolean same = !options.rehash() && !checkStore && a.stored() && a.storedSha256() != null
                    && sourceStamp.equals(a.sourceStamp());
            if (same) {
                tally(a, Result.UNCHANGED, 0);
            }
            return same;
        }

        @Override
        public void found(Asset a, byte[] bytes) {
            found(a, bytes, null);
        }

        @Override
        public void found(Asset a, byte[] bytes, String stamp) {
            try {
                String problem = bytes.length > options.maxBytes()
                        ? "is " + bytes.length + " bytes, over the " + options.maxBytes() + "-byte limit"
                        : ContentTypes.mismatch(a.path(), bytes);
                if (problem != null) {
                    failed(a, a.bucket() + "/" + a.path() + " from " + source.describe() + " " + problem);
                    return;
                }
                String sha = Sha256.hex(bytes);
                String type = ContentTypes.forPath(a.path());
                boolean recorded = a.stored() && sha.equals(a.storedSha256());
                Outcome stored = new Outcome(a.id(), AssetStatus.STORED, sha, (long) bytes.length, type, null, null, stamp);
                if (recorded && !checkStore) {
                    if (stamp != null && !stamp.equals(a.sourceStamp()) && !options.dryRun()) {
                        record(stored); // why: same bytes under a new stamp (touched, copied); the next run need not read it
                    }
                    tally(a, Result.UNCHANGED, 0);
                    return;
                }
                // why: not recorded as stored (new, or written just before a kill) or asked to check: ask the store,
                // unless its listing already shows no object of this size there
                Map<String, Long> listed = lister.apply(a.bucket());
                boolean mayExist = listed == null || Long.valueOf(bytes.length).equals(listed.get(a.path()));
                Optional<ObjectStore.StoredObject> there = mayExist ? store.head(a.bucket(), a.path()) : Optional.empty();
                if (there.isPresent() && sha.equals(there.get().sha256()) && there.get().size() == bytes.length) {
                    if (!options.dryRun() && (!recorded || (stamp != null && !stamp.equals(a.sourceStamp())))) {
                        record(stored);
                    }
                    tally(a, Result.UNCHANGED, 0);
                    return;
                }
                if (!options.dryRun()) {
                    store.put(a.bucket(), a.path(), bytes, type, sha);
                    record(stored);
                }
                tally(a, Result.STORED, bytes.length);
            } catch (StorageException e) {
                // why: the hint says what to do (free space, check credentials); this line is all a user sees of it
                failed(a, e.getMessage() + (e.hint() == null || e.hint().isBlank() ? "" : " — " + e.hint()));
            } catch (RuntimeException e) {
                log.warn("Mirroring {}/{} failed", a.bucket(), a.path(), e);
                failed(a, a.bucket() + "/" + a.path() + ": " + e);
            }
        }

        @Override
        public void missing(Asset a, String reason) {
            if (a.stored()) {
                tally(a, Result.UNCHANGED, 0); // why: a source lacking a file we already hold does not undo it
                return;
            }
            boolean known = a.status() == AssetStatus.MISSING && source.describe().equals(a.missingFrom());
            if (!options.dryRun() && !known) {
                record(new Outcome(a.id(), AssetStatus.MISSING, null, null, null, source.describe(), null));
            }
            if (missing.size() < EXAMPLES) {
                missing.add(a.bucket() + "/" + a.path() + ": " + reason);
            }
            tally(a, Result.MISSING, 0);
        }

        @Override
        public void failed(Asset a, String error) {
            if (!options.dryRun() && !a.stored()) {
                record(new Outcome(a.id(), AssetStatus.FAILED, null, null, null, null, error));
            }
            if (failures.size() < EXAMPLES) {
                failures.add(error);
            }
            log.debug("failed: {}", error);
            tally(a, Result.FAILED, 0);
        }

        private void tally(Asset a, Result result, long bytes) {
            perBucket.computeIfAbsent(a.bucket(), b -> new Tally()).add(result, bytes);
            progress.done.incrementAndGet();
            progress.bytes.addAndGet(bytes);
        }

        private void record(Outcome o) {
            List<Outcome> batch = null;
            synchronized (pending) {
                pending.add(o);
                if (pending.size() >= RECORD_BATCH) {
                    batch = new ArrayList<>(pending);
                    pending.clear();
                }
            }
            if (batch != null) {
                recorder.submit(batch);
            }
        }

        void flush() {
            List<Outcome> batch;
            synchronized (pending) {
                batch = new ArrayList<>(pending);
                pending.clear();
            }
            recorder.submit(batch);
            recorder.drain();
        }

        Map<String, MirrorReport.Counts> counts() {
            Map<String, MirrorReport.Counts> out = new TreeMap<>();
            perBucket.forEach((b, t) -> out.put(b, t.counts()));
            return out;
        }
    }

    /** What became of one asset the source delivered. */
    private enum Result { STORED, UNCHANGED, MISSING, FAILED }

    /** One bucket's running counts; every asset adds one result (and its bytes when written). */
    private static final class Tally {
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

    /**
     * Writes outcome batches to the manifest on one background thread, in order, so transfers never wait for the
     * database; {@link #drain} waits for everything submitted and rethrows a recording failure.
     */
    private final class Recorder {
        private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mirror-recorder");
            t.setDaemon(true);
            return t;
        });
        private final List<Future<?>> submitted = Collections.synchronizedList(new ArrayList<>());

        void submit(List<Outcome> batch) {
            if (!batch.isEmpty()) {
                submitted.add(writer.submit(() -> manifest.record(batch)));
            }
        }

        void drain() {
            try {
                for (Future<?> f : List.copyOf(submitted)) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } finally {
                writer.shutdown();
            }
        }
    }
}
