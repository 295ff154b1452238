package dev.pokepedia.media;

import dev.pokepedia.core.Sha256;
import dev.pokepedia.media.AssetManifest.Outcome;
import dev.pokepedia.media.internal.ContentTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives one source's deliveries for the {@link MirrorEngine}: checks each file (size, content), compares it with the
 * manifest and the store, writes it, and hands the outcome to an {@link OutcomeRecorder} in batches; counts every
 * asset per bucket for the report and the progress bars.
 */
final class MirrorSink implements AssetSource.AssetSink {

    private static final Logger log = LoggerFactory.getLogger(MirrorSink.class);
    // why: small enough that outcomes reach the manifest while transfers still run (a kill loses less), large enough
    // that a batch costs one round trip per thousand assets
    private static final int RECORD_BATCH = 1000;
    static final int EXAMPLES = 20;

    private final ObjectStore store;
    private final MirrorOptions options;
    private final AssetSource source;
    private final MirrorEngine.Progress progress;
    private final List<String> failures;
    private final List<String> missing;
    private final List<Outcome> pending = new ArrayList<>();
    private final OutcomeRecorder recorder;
    private final Map<String, BucketTally> perBucket = new ConcurrentHashMap<>();

    private final Function<String, Map<String, Long>> lister;
    private final boolean checkStore; // ask the store about assets recorded as stored, too

    MirrorSink(AssetManifest manifest, ObjectStore store, MirrorOptions options, AssetSource source, MirrorEngine.Progress progress,
               List<String> failures, List<String> missing, Function<String, Map<String, Long>> lister, boolean checkStore) {
        this.store = store;
        this.options = options;
        this.recorder = new OutcomeRecorder(manifest);
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
            tally(a, BucketTally.Result.UNCHANGED, 0);
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
                tally(a, BucketTally.Result.UNCHANGED, 0);
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
                tally(a, BucketTally.Result.UNCHANGED, 0);
                return;
            }
            if (!options.dryRun()) {
                store.put(a.bucket(), a.path(), bytes, type, sha);
                record(stored);
            }
            tally(a, BucketTally.Result.STORED, bytes.length);
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
            tally(a, BucketTally.Result.UNCHANGED, 0); // why: a source lacking a file we already hold does not undo it
            return;
        }
        boolean known = a.status() == AssetStatus.MISSING && source.describe().equals(a.missingFrom());
        if (!options.dryRun() && !known) {
            record(new Outcome(a.id(), AssetStatus.MISSING, null, null, null, source.describe(), null));
        }
        if (missing.size() < EXAMPLES) {
            missing.add(a.bucket() + "/" + a.path() + ": " + reason);
        }
        tally(a, BucketTally.Result.MISSING, 0);
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
        tally(a, BucketTally.Result.FAILED, 0);
    }

    private void tally(Asset a, BucketTally.Result result, long bytes) {
        perBucket.computeIfAbsent(a.bucket(), b -> new BucketTally()).add(result, bytes);
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
