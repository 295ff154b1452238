package dev.pokepedia.live;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.corpus.DocumentStore;
import dev.pokepedia.live.internal.CrawlState;
import dev.pokepedia.live.internal.IngestWrites;
import dev.pokepedia.live.internal.Refresher;
import dev.pokepedia.media.AssetKind;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.media.AssetRef;
import dev.pokepedia.media.AssetSource;
import dev.pokepedia.media.AssetSources;
import dev.pokepedia.media.MirrorEngine;
import dev.pokepedia.media.MirrorOptions;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.core.Backoff;
import dev.pokepedia.queue.QueueStats;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.queue.ShutdownReport;
import dev.pokepedia.queue.WorkerConfig;
import dev.pokepedia.queue.WorkerRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live sync path of one process: the upstream client, the seeder, and the ingest and sprite workers on a
 * {@link WorkerRuntime}. Start several processes against one database to scale out; the queues hand each message
 * to one of them.
 */
public final class LivePath implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LivePath.class);

    private final Database database;
    private final LiveConfig config;
    private final Queues queues;
    private final MeterRegistry registry;
    private final Clock clock;
    private final UpstreamClient upstream;
    private final SnapshotUpstreams snapshots = new SnapshotUpstreams();
    private final DocumentStore store;
    private final AssetManifest manifest;
    private final ObjectStore objects;
    private Refresher refresher;
    private IngestWrites ingestWrites;
    private WorkerRuntime runtime;
    private Map<AssetKind, AssetSource> mediaSources;

    /** @param objects where the sprite worker stores media; the caller keeps ownership */
    public LivePath(Database database, Queues queues, ObjectStore objects, LiveConfig config, MeterRegistry registry, Clock clock) {
        this.database = database;
        this.queues = queues;
        this.objects = objects;
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.upstream = new UpstreamClient(config.http(), registry, clock);
        this.store = new DocumentStore(database.dataSource());
        this.manifest = new AssetManifest(database);
    }

    public LiveConfig config() {
        return config;
    }

    public UpstreamClient upstream() {
        return upstream;
    }

    public Seeder seeder() {
        return new Seeder(upstream, queues, store, database, snapshots);
    }

    /** Seeds from the configured upstream (or {@code from}), all types when {@code types} is empty. */
    public Seeder.Report seed(String from, Set<String> types) throws InterruptedException {
        return seeder().seed(from == null ? config.upstream() : from, types);
    }

    /** The work the default schedules name: {@code seed}, {@code retry-failed-assets}, {@code archive-cleanup}. */
    public Map<String, dev.pokepedia.live.schedule.Scheduler.Task> scheduledTasks() {
        Map<String, dev.pokepedia.live.schedule.Scheduler.Task> tasks = new LinkedHashMap<>();
        tasks.put("seed", () -> {
            Seeder.Report r = seed(null, Set.of());
            return r.enqueued() + " of " + r.listed() + " documents enqueued from " + r.source();
        });
        tasks.put("retry-failed-assets", () -> {
            List<AssetRef> unstored = manifest.unstored(true);
            return LiveQueues.enqueueAssets(queues, unstored) + " of " + unstored.size() + " unstored assets enqueued";
        });
        tasks.put("archive-cleanup", () -> queues.cleanup(Duration.ofDays(7)) + " archived messages older than 7 days deleted");
        return tasks;
    }

    /** Starts workers for the given queues ({@link LiveQueues#INGEST}, {@link LiveQueues#SPRITES}). */
    public synchronized void start(Set<String> which) {
        if (runtime != null) {
            throw new IllegalStateException("already started");
        }
        if (which.contains(LiveQueues.SPRITES)) {
            requireRecordedStorage();
        }
        refresher = new Refresher(store, manifest, queues);
        runtime = new WorkerRuntime(queues, clock, registry);
        Backoff backoff = new Backoff(config.retryDelay(), Duration.ofMinutes(5), 0.5);
        if (which.contains(LiveQueues.INGEST)) {
            ingestWrites = new IngestWrites(store, new CrawlState(database));
            runtime.register(WorkerConfig.of(LiveQueues.INGEST).withConcurrency(config.ingestConcurrency())
                            .withBatchSize(Math.max(10, config.ingestConcurrency() * 2)).withMaxAttempts(config.maxAttempts())
                            .withVisibilityTimeout(config.visibilityTimeout()).withBackoff(backoff),
                    new IngestHandler(upstream, store, ingestWrites, snapshots, refresher, registry));
        }
        if (which.contains(LiveQueues.SPRITES)) {
            long maxBytes = 20L << 20;
            mediaSources = new LinkedHashMap<>();
            // why 2 HTTP attempts: the queue retries a failed asset with its own backoff; long in-place retries would
            // only hold a handler
            mediaSources.put(AssetKind.SPRITE, perAssetSource(config.spritesSource(), "--sprites-source", maxBytes));
            mediaSources.put(AssetKind.CRY, perAssetSource(config.criesSource(), "--cries-source", maxBytes));
            objects.ensureBucket(dev.pokepedia.media.Asset.SPRITES_BUCKET);
            objects.ensureBucket(dev.pokepedia.media.Asset.CRIES_BUCKET);
            // why: a killed worker can leave temporary upload files; the store removes only provably abandoned ones
            int removed = objects.removeAbandonedUploads(clock.instant()).size();
            if (removed > 0) {
                log.info("removed {} temporary upload files left by killed runs in {}", removed, objects.describe());
            }
            MirrorEngine engine = new MirrorEngine(manifest, objects, new MirrorOptions(1, maxBytes, false, false), clock);
            runtime.register(WorkerConfig.of(LiveQueues.SPRITES).withConcurrency(config.spriteConcurrency())
                            .withBatchSize(Math.max(10, config.spriteConcurrency() * 2)).withMaxAttempts(config.maxAttempts())
                            .withVisibilityTimeout(config.visibilityTimeout()).withBackoff(backoff),
                    new SpriteHandler(manifest, engine, mediaSources, registry));
        }
        runtime.start();
    }

    /** Refuses to start the sprite worker on a storage other than the one the stored assets are recorded in. */
    private void requireRecordedStorage() {
        String target = objects.describe();
        manifest.storageTarget().filter(recorded -> !recorded.equals(target)).ifPresent(recorded -> {
            // why: what this worker stores would be recorded as stored beside assets that are in another storage
            throw new dev.pokepedia.core.ConfigurationException("The sprite worker would write to " + target
                    + ", but the stored assets are in " + recorded,
                    "Give --storage (or STORAGE_URL) for " + recorded + ", or move to the new storage first with "
                            + "`pokepedia media --storage …`, which checks and fills it and records the move.");
        });
    }

    private AssetSource perAssetSource(String spec, String flag, long maxBytes) {
        if (spec != null && (spec.endsWith(".tar.gz") || spec.endsWith(".tgz"))) {
            throw new dev.pokepedia.core.ConfigurationException(flag + " " + spec + " is an archive; the sprite worker reads one asset "
                    + "per message and would scan the whole archive each time",
                    "Unpack it and give the folder, give an http(s) mirror, or mirror archives in bulk with `pokepedia media`.");
        }
        return AssetSources.open(spec, config.spriteConcurrency(), maxBytes, 0, 2);
    }

    public WorkerRuntime runtime() {
        return runtime;
    }

    /**
     * Blocks until the live queues are empty (nothing visible, in flight or waiting for a retry) and the projection
     * and media follow-up of everything stored is done, then returns. Dead letters do not hold it up.
     */
    public void awaitDrained(Duration poll) throws InterruptedException {
        awaitDrained(Set.of(LiveQueues.INGEST, LiveQueues.SPRITES), poll);
    }

    /** As {@link #awaitDrained(Duration)}, watching only the given queues. */
    public void awaitDrained(Set<String> watched, Duration poll) throws InterruptedException {
        int failures = 0;
        while (true) {
            try {
                if (empty(watched)) {
                    refresher.flush(Duration.ofMinutes(5));
                    if (empty(watched)) {
                        return;
                    }
                }
                failures = 0;
            } catch (PokepediaException e) {
                if (e.code() != PokepediaException.ErrorCode.DATABASE_UNAVAILABLE) {
                    throw e;
                }
                // why: the database restarting under a drain is a pause, not the end; the workers reconnect too
                if (failures++ % 50 == 0) {
                    log.warn("Waiting for the queues to drain: the database is unreachable ({}); retrying", e.getMessage());
                }
            }
            Thread.sleep(poll); // why: a drain watches counters that other processes change too; there is nothing to wait on
        }
    }

    private boolean empty(Set<String> watched) {
        List<QueueStats> stats = queues.stats();
        return stats.stream().filter(s -> watched.contains(s.queue())).allMatch(s -> s.depth() == 0);
    }

    /** Stops claiming, finishes in-flight messages (up to the timeout), flushes the follow-up work. */
    public synchronized ShutdownReport shutdown(Duration timeout) throws InterruptedException {
        if (runtime == null) {
            return null;
        }
        ShutdownReport r = runtime.shutdown(timeout);
        if (ingestWrites != null) {
            ingestWrites.close(); // why after the runtime: handlers still finishing hand their writes in until then
            ingestWrites = null;
        }
        try {
            refresher.flush(timeout);
        } finally {
            refresher.close();
            runtime = null;
        }
        return r;
    }

    @Override
    public void close() {
        try {
            shutdown(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (mediaSources != null) {
                for (AssetSource s : mediaSources.values()) {
                    if (s instanceof AutoCloseable c) {
                        try {
                            c.close();
                        } catch (Exception ignored) {
                            // why: closing a byte source only releases connections; nothing to report
                        }
                    }
                }
            }
            snapshots.close();
            upstream.close();
        }
    }
}
