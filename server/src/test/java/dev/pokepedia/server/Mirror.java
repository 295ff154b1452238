package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.ImportOptions;
import dev.pokepedia.corpus.SnapshotImporter;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.media.AssetKind;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.media.AssetSource;
import dev.pokepedia.media.AssetSources;
import dev.pokepedia.media.MirrorEngine;
import dev.pokepedia.media.MirrorOptions;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import dev.pokepedia.testkit.SharedData;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Fills a test database the way a user's sync would: the mini corpus imported, its mini sprites and cries mirrored. */
final class Mirror {

    static final Path CORPUS = SharedData.repoRoot().resolve("corpus/src/test/resources/fixtures/api-data-mini-2026-07-10.tar.gz");
    static final Path MEDIA = SharedData.repoRoot().resolve("media/src/test/resources/fixtures/media");

    private Mirror() {
    }

    static void importCorpus(Database db) {
        var report = new SnapshotImporter(db, HttpClient.newHttpClient(), Clock.systemUTC())
                .run(ImportOptions.of(new SnapshotSource.Archive(CORPUS)));
        assertThat(report.failure()).isNull();
    }

    /** The folder store at {@code storage}. */
    static ObjectStore open(Path storage) {
        return ObjectStores.open(storage.toUri().toString(), storage, Map.of());
    }

    /** Imports the corpus and mirrors the fixture media into a folder store at {@code storage}. */
    static ObjectStore load(Database db, Path storage) throws Exception {
        importCorpus(db);
        ObjectStore store = open(storage);
        AssetManifest manifest = new AssetManifest(db);
        manifest.refresh();
        Map<AssetKind, AssetSource> sources = Map.of(
                AssetKind.SPRITE, AssetSources.open(MEDIA.resolve("sprites-mini").toString(), 2, 1 << 22, 0),
                AssetKind.CRY, AssetSources.open(MEDIA.resolve("cries-mini").toString(), 2, 1 << 22, 0));
        new MirrorEngine(manifest, store, MirrorOptions.defaults(), Clock.systemUTC()).run(sources);
        return store;
    }
}
