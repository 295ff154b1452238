package dev.pokepedia.live;

import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.media.AssetSource;
import dev.pokepedia.media.MirrorEngine;
import dev.pokepedia.media.MirrorReport;
import dev.pokepedia.queue.Message;
import dev.pokepedia.queue.MessageHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Handles one {@code pokepedia_sprites} message: mirrors that asset through the media plane's engine (same checks,
 * same "stored only after the backend confirmed" rule as {@code pokepedia media}). An asset already stored is
 * skipped, so a repeated message writes nothing twice.
 */
public final class SpriteHandler implements MessageHandler {

    private final AssetManifest manifest;
    private final MirrorEngine engine;
    private final Map<String, AssetSource> sources;
    private final MeterRegistry registry;

    /** @param sources byte source per asset kind ({@code sprite}, {@code cry}) */
    public SpriteHandler(AssetManifest manifest, MirrorEngine engine, Map<String, AssetSource> sources, MeterRegistry registry) {
        this.manifest = manifest;
        this.engine = engine;
        this.sources = sources;
        this.registry = registry;
    }

    @Override
    public void handle(Message message) throws Exception {
        String[] where = LiveQueues.parseAsset(message.body());
        Optional<Asset> found = manifest.find(where[0], where[1]);
        if (found.isEmpty()) {
            count("unknown"); // why: no document references it any more; nothing to do
            return;
        }
        Asset asset = found.get();
        if ("stored".equals(asset.status())) {
            count("already_stored");
            return;
        }
        AssetSource source = sources.get(asset.kind());
        MirrorReport report = engine.mirror(List.of(asset), source);
        MirrorReport.Counts c = report.buckets().get(asset.bucket());
        if (c != null && c.failed() > 0) {
            count("failed");
            throw new IllegalStateException(report.failures().isEmpty() ? asset.bucket() + "/" + asset.path() + " failed"
                    : report.failures().getFirst());
        }
        count(c != null && c.missing() > 0 ? "missing" : "stored");
    }

    private void count(String outcome) {
        registry.counter("pokepedia.sprites.assets", "outcome", outcome).increment();
    }
}
