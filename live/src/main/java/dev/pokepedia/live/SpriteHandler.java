package dev.pokepedia.live;

import dev.failsafe.CircuitBreaker;
import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetKind;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.media.AssetRef;
import dev.pokepedia.media.AssetSource;
import dev.pokepedia.media.AssetStatus;
import dev.pokepedia.media.MirrorEngine;
import dev.pokepedia.media.MirrorReport;
import dev.pokepedia.queue.Message;
import dev.pokepedia.queue.MessageHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handles one {@code pokepedia_sprites} message: mirrors that asset through the media plane's engine (same checks,
 * same "stored only after the backend confirmed" rule as {@code pokepedia media}). An asset already stored is
 * skipped, so a repeated message writes nothing twice. A source that keeps failing (Failsafe circuit breaker per kind)
 * is not asked again for a minute: assets due meanwhile are recorded failed at once instead of exhausting their retries.
 */
public final class SpriteHandler implements MessageHandler {

    private static final int SOURCE_DOWN_AFTER = 10;
    private static final Duration SOURCE_DOWN_PAUSE = Duration.ofMinutes(1);

    private final AssetManifest manifest;
    private final MirrorEngine engine;
    private final Map<AssetKind, AssetSource> sources;
    private final MeterRegistry registry;
    private final Map<AssetKind, CircuitBreaker<Object>> breakers = new ConcurrentHashMap<>();

    /** @param sources byte source per asset kind */
    public SpriteHandler(AssetManifest manifest, MirrorEngine engine, Map<AssetKind, AssetSource> sources, MeterRegistry registry) {
        this.manifest = manifest;
        this.engine = engine;
        this.sources = sources;
        this.registry = registry;
    }

    @Override
    public void handle(Message message) throws Exception {
        AssetRef where = LiveQueues.parseAsset(message.body());
        Optional<Asset> found = manifest.find(where.bucket(), where.path());
        if (found.isEmpty()) {
            count("unknown"); // why: no document references it any more; nothing to do
            return;
        }
        Asset asset = found.get();
        if (asset.stored()) {
            count("already_stored");
            return;
        }
        AssetSource source = sources.get(asset.kind());
        CircuitBreaker<Object> breaker = breakers.computeIfAbsent(asset.kind(), k -> CircuitBreaker.builder()
                .withFailureThreshold(SOURCE_DOWN_AFTER).withDelay(SOURCE_DOWN_PAUSE).build());
        if (!breaker.tryAcquirePermit()) {
            // why: a source that failed many assets in a row (offline, blocked) would otherwise cost every one of
            // thousands of messages its full retry budget; they are recorded failed at once instead, and the hourly
            // retry-failed-assets schedule brings them back
            manifest.record(List.of(new AssetManifest.Outcome(asset.id(), AssetStatus.FAILED, null, null, null, null, source.describe()
                    + " failed the last " + SOURCE_DOWN_AFTER + " assets in a row; not asked for " + asset.bucket() + "/" + asset.path()
                    + " (retried by the retry-failed-assets schedule)")));
            count("source_down");
            return;
        }
        MirrorReport report = engine.mirror(List.of(asset), source);
        MirrorReport.Counts c = report.buckets().get(asset.bucket());
        if (c != null && c.failed() > 0) {
            breaker.recordFailure();
            count(AssetStatus.FAILED.sql());
            throw new IllegalStateException(report.failures().isEmpty() ? asset.bucket() + "/" + asset.path() + " failed"
                    : report.failures().getFirst());
        }
        breaker.recordSuccess();
        count((c != null && c.missing() > 0 ? AssetStatus.MISSING : AssetStatus.STORED).sql());
    }

    private void count(String outcome) {
        registry.counter("pokepedia.sprites.assets", "outcome", outcome).increment();
    }
}
