package dev.pokepedia.app;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.media.AssetKind;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.media.AssetSource;
import dev.pokepedia.media.AssetStatus;
import dev.pokepedia.media.AssetSources;
import dev.pokepedia.media.MirrorEngine;
import dev.pokepedia.media.MirrorOptions;
import dev.pokepedia.media.MirrorReport;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "media", mixinStandardHelpOptions = true,
        description = {"Mirror every sprite and cry the stored documents reference into the storage buckets pokedex-sprites and pokedex-cries.",
                "Builds the manifest (pokepedia_assets) from the canonical store first. Already stored assets with the same SHA-256 are skipped."})
final class MediaCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @ArgGroup(exclusive = false)
    MediaOptions media = new MediaOptions();

    /** Options shared with {@code sync}. */
    static final class MediaOptions {
        @Option(names = "--sprites-source", paramLabel = "FOLDER|FILE.tgz|URL|upstream",
                description = "Where sprite bytes come from: a folder with the PokeAPI/sprites layout (or the npm package's), "
                        + "a .tar.gz/.tgz of one, an http(s) mirror base URL, or 'upstream' (each asset's own URL; default).")
        String spritesSource;

        @Option(names = "--cries-source", paramLabel = "FOLDER|FILE.tar.gz|URL|upstream", description = "Where cry bytes come from (as --sprites-source).")
        String criesSource;

        @Option(names = "--storage", paramLabel = "URL",
                description = "file:///folder or s3://?endpoint=…&region=… (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). "
                        + "Default: $STORAGE_URL, else <data-dir>/storage.")
        String storage;

        @Option(names = "--concurrency", defaultValue = "16", description = "Transfers in flight per kind (default ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(names = "--max-mb", defaultValue = "20", description = "Refuse files larger than this (default ${DEFAULT-VALUE} MB).")
        int maxMb;

        @Option(names = "--verify-remote", description = "Check each object in storage (size + SHA-256) instead of trusting the manifest.")
        boolean verifyRemote;

        @Option(names = "--rehash", description = "Read and hash every file of a folder source again, even one whose size, times and inode "
                + "show it unchanged since it was hashed (by default such files are not read).")
        boolean rehash;

        @Option(names = "--rate", defaultValue = "0", description = "HTTP sources: requests per minute, 0 = unlimited (default ${DEFAULT-VALUE}).")
        int ratePerMinute;

        long maxBytes() {
            return (long) maxMb << 20;
        }
    }

    @Option(names = "--dry-run", description = "Report what would be transferred, and how many bytes; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        var settings = global.settings();
        // why: folder sources list themselves while the database opens, instead of after it
        Map<AssetKind, AssetSource> sources = openSources(media);
        try (var opened = settings.openDatabase()) {
            MirrorReport report = run(opened, settings, media, sources, dryRun, System.out);
            return report.totalFailed() > 0 ? PokepediaException.ErrorCode.BAD_SOURCE.exitCode() : 0;
        }
    }

    /** The sprite and cry sources named by the options, already getting ready ({@link AssetSource#prepare}). */
    static Map<AssetKind, AssetSource> openSources(MediaOptions o) {
        long maxBytes = o.maxBytes();
        Map<AssetKind, AssetSource> sources = new LinkedHashMap<>();
        sources.put(AssetKind.SPRITE, AssetSources.open(o.spritesSource, o.concurrency, maxBytes, o.ratePerMinute));
        sources.put(AssetKind.CRY, AssetSources.open(o.criesSource, o.concurrency, maxBytes, o.ratePerMinute));
        sources.values().forEach(AssetSource::prepare);
        return sources;
    }

    static MirrorReport run(GlobalOptions.Opened opened, GlobalOptions.Settings settings, MediaOptions o, boolean dryRun, PrintStream out)
            throws InterruptedException {
        return run(opened, settings, o, openSources(o), dryRun, out);
    }

    static MirrorReport run(GlobalOptions.Opened opened, GlobalOptions.Settings settings, MediaOptions o, Map<AssetKind, AssetSource> sources,
                            boolean dryRun, PrintStream out) throws InterruptedException {
        AssetManifest manifest = new AssetManifest(opened.db());
        AssetManifest.Refresh r = manifest.refresh();
        out.printf("manifest: %d documents scanned, %d new assets%n", r.documentsScanned(), r.assetsAdded());
        long maxBytes = o.maxBytes();
        try (ObjectStore store = ObjectStores.open(o.storage, settings.dataDir(), settings.env())) {
            out.println("storage: " + store.describe());
            MirrorEngine engine = new MirrorEngine(manifest, store, new MirrorOptions(o.concurrency, maxBytes, o.verifyRemote, dryRun, o.rehash),
                    Clock.systemUTC());
            MirrorReport report;
            long started = System.nanoTime();
            try (var view = new ProgressView(MirrorProgressText.parts(sources.keySet(), engine.progress(),
                    () -> Duration.ofNanos(System.nanoTime() - started)), settings.json())) {
                report = engine.run(sources);
            }
            print(report, out);
            return report;
        }
    }

    static void print(MirrorReport r, PrintStream out) {
        double secs = Math.max(1e-3, r.elapsed().toMillis() / 1000.0);
        out.printf("%smedia summary (%.1f s)%n", r.dryRun() ? "DRY RUN (nothing written) — " : "", secs);
        out.printf("  %-16s %8s %10s %8s %8s %10s%n", "bucket", r.dryRun() ? "to copy" : AssetStatus.STORED.sql(), "unchanged",
                AssetStatus.MISSING.sql(), AssetStatus.FAILED.sql(), "MB");
        long files = 0;
        long bytes = 0;
        for (var e : r.buckets().entrySet()) {
            var c = e.getValue();
            out.printf("  %-16s %8d %10d %8d %8d %10.1f%n", e.getKey(), c.stored(), c.unchanged(), c.missing(), c.failed(), c.bytes() / 1e6);
            files += c.stored();
            bytes += c.bytes();
        }
        out.printf("%d files, %.1f MB %s: %.0f files/s, %.1f MB/s%n", files, bytes / 1e6, r.dryRun() ? "would be written" : "written",
                files / secs, bytes / 1e6 / secs);
        if (!r.removedUploads().isEmpty()) {
            out.printf("  removed %d temporary upload files left by killed runs (%d bytes), e.g. %s%n", r.removedUploads().size(),
                    r.removedUploads().stream().mapToLong(dev.pokepedia.media.ObjectStore.Leftover::bytes).sum(), r.removedUploads().getFirst().path());
        }
        r.missingExamples().stream().limit(5).forEach(m -> out.println("  missing " + m));
        r.failures().forEach(f -> out.println("  failed  " + f));
    }
}
