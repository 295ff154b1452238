package dev.pokepedia.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.ImportOptions;
import dev.pokepedia.corpus.SnapshotImporter;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.snapshotserver.ServerOptions;
import dev.pokepedia.snapshotserver.SnapshotServer;
import dev.pokepedia.testkit.FreshDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Seed + ingest + sprite workers against a served snapshot, compared with a snapshot import of the same data. */
class LiveSyncIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static SortedMap<String, String> importedShas;
    private static SortedMap<String, String> importedProjections;
    private static Queues queues;

    @TempDir
    Path storage;
    /** The sprite worker's storage: a folder of this test's own. */
    private ObjectStore objects;

    @BeforeAll
    static void importTheSameSnapshotElsewhere() throws Exception {
        var cfg = db.createSibling("imported");
        try (Database imported = Database.open(cfg, 4).migrate()) {
            new SnapshotImporter(imported, HttpClient.newHttpClient(), Clock.systemUTC())
                    .run(ImportOptions.of(new SnapshotSource.Archive(LiveFixtures.CORPUS_0710)));
            importedShas = LiveFixtures.liveShas(imported);
            importedProjections = LiveFixtures.projectionDigests(imported);
        } finally {
            db.dropSibling("imported");
        }
        queues = Queues.open(db.database());
    }

    @AfterAll
    static void close() {
        queues.close();
    }

    @BeforeEach
    void emptyStore() throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE pokeapi_resources, pokepedia_projection_pending, pokepedia_crawl_state, pokepedia_assets, "
                    + "pokepedia_asset_refs, pokepedia_asset_scans, pokepedia_asset_storage, pokepedia_pokemon, pokepedia_species, pokepedia_evolution_chains, "
                    + "pokepedia_moves, pokepedia_types, pokepedia_endpoints");
            st.execute("SELECT pokepedia_queue_purge('pokepedia_ingest'), pokepedia_queue_purge('pokepedia_sprites'), "
                    + "pokepedia_queue_discard_dead('pokepedia_ingest'), pokepedia_queue_discard_dead('pokepedia_sprites')");
        }
    }

    @BeforeEach
    void openStorage() {
        objects = ObjectStores.open(storage.toUri().toString(), storage, Map.of());
    }

    @AfterEach
    void closeStorage() {
        objects.close();
    }

    private static SnapshotServer serve(ServerOptions options) {
        return SnapshotServer.start(new SnapshotSource.Archive(LiveFixtures.CORPUS_0710), options);
    }

    private LivePath livePath(LiveConfig config, SimpleMeterRegistry registry) {
        return new LivePath(db.database(), queues, objects, config, registry, Clock.systemUTC());
    }

    private LiveConfig config() {
        return LiveConfig.defaults().withHttp(UpstreamOptions.defaults().withRate(0).withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)))
                .withMediaSources(LiveFixtures.SPRITES.toString(), LiveFixtures.CRIES.toString());
    }

    private void drain(LivePath live) throws InterruptedException {
        live.start(Set.of(LiveQueues.INGEST, LiveQueues.SPRITES));
        live.awaitDrained(Duration.ofMillis(50));
        live.shutdown(Duration.ofSeconds(10));
    }

    @Test
    void crawlingAServedSnapshotStoresTheSameRowHashesAndProjectionsAsImportingIt() throws Exception {
        var registry = new SimpleMeterRegistry();
        try (SnapshotServer server = serve(ServerOptions.defaults());
             LivePath live = livePath(config(), registry)) {
            Seeder.Report seeded = live.seed(server.baseUri().toString(), Set.of());
            assertThat(seeded.enqueued()).isEqualTo(importedShas.size());
            assertThat(queues.metrics(LiveQueues.INGEST).length()).isEqualTo(seeded.enqueued());

            drain(live);

            SortedMap<String, String> crawled = LiveFixtures.liveShas(db.database());
            SortedMap<String, String> expected = new java.util.TreeMap<>(importedShas);
            assertThat(crawled).isEqualTo(expected);
            assertThat(LiveFixtures.projectionDigests(db.database())).isEqualTo(importedProjections);
            // the sprite worker mirrored what the documents reference and the fixture folders hold
            assertThat(LiveFixtures.count(db.database(), "SELECT count(*) FROM pokepedia_assets WHERE status = 'stored'")).isPositive();
            assertThat(LiveFixtures.count(db.database(), "SELECT count(*) FROM pokepedia_assets WHERE status IN ('pending', 'failed')")).isZero();
            assertThat(registry.counter("pokepedia.ingest.documents", "outcome", "added").count()).isEqualTo(expected.size());
        }
    }

    @Test
    void aSecondPassAnswersNotModifiedAndWritesNothing() throws Exception {
        var registry = new SimpleMeterRegistry();
        try (SnapshotServer server = serve(ServerOptions.defaults());
             LivePath live = livePath(config(), registry)) {
            live.seed(server.baseUri().toString(), Set.of());
            drain(live);
            SortedMap<String, String> written = LiveFixtures.map(db.database(),
                    "SELECT resource_type || '/' || resource_key, updated_at::text FROM pokeapi_resources");

            Seeder.Report again = live.seed(server.baseUri().toString(), Set.of());
            drain(live);

            assertThat(registry.counter("pokepedia.ingest.documents", "outcome", "not_modified").count()).isEqualTo(again.enqueued());
            assertThat(LiveFixtures.map(db.database(), "SELECT resource_type || '/' || resource_key, updated_at::text FROM pokeapi_resources"))
                    .isEqualTo(written);
        }
    }

    @Test
    void seedingTwiceEnqueuesEachDocumentOnce() throws Exception {
        try (SnapshotServer server = serve(ServerOptions.defaults());
             LivePath live = livePath(config(), new SimpleMeterRegistry())) {
            Seeder.Report first = live.seed(server.baseUri().toString(), Set.of("type", "pokemon"));
            Seeder.Report second = live.seed(server.baseUri().toString(), Set.of("type", "pokemon"));

            assertThat(first.perType().keySet()).containsExactlyInAnyOrder("type", "pokemon");
            assertThat(first.enqueued()).isEqualTo(first.listed()).isPositive();
            assertThat(second.listed()).isEqualTo(first.listed());
            assertThat(second.enqueued()).isZero();
            assertThat(queues.metrics(LiveQueues.INGEST).length()).isEqualTo(first.enqueued());
            assertThatThrownBy(() -> live.seed(server.baseUri().toString(), Set.of("pokemonz")))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("pokemonz");
        }
    }

    @Test
    void withTenPercentServerErrorsTheCrawlCompletesWithRetriesAndTheSameHashes() throws Exception {
        var registry = new SimpleMeterRegistry();
        ServerOptions flaky = ServerOptions.defaults().withErrorRate(0.10).withSeed(7);
        try (SnapshotServer server = serve(flaky);
             LivePath live = livePath(config(), registry)) {
            live.seed(server.baseUri().toString(), Set.of());
            drain(live);

            SortedMap<String, String> expected = new java.util.TreeMap<>(importedShas);
            assertThat(LiveFixtures.liveShas(db.database())).isEqualTo(expected);
            assertThat(live.upstream().retries()).isPositive();
            assertThat(queues.stats().stream().mapToLong(s -> s.deadLetters()).sum()).isZero();
        }
    }

    @Test
    void anUnreachableMediaSourceFailsItsAssetsFastSoTheDrainEnds() throws Exception {
        var registry = new SimpleMeterRegistry();
        LiveConfig offline = config().withMediaSources("http://127.0.0.1:1/", "http://127.0.0.1:1/").withMaxAttempts(2)
                .withRetryDelay(Duration.ofMillis(10));
        try (SnapshotServer server = serve(ServerOptions.defaults());
             LivePath live = livePath(offline, registry)) {
            live.seed(server.baseUri().toString(), Set.of("pokemon", "type"));
            drain(live);

            long assets = LiveFixtures.count(db.database(), "SELECT count(*) FROM pokepedia_assets");
            assertThat(assets).isGreaterThan(100);
            assertThat(LiveFixtures.count(db.database(), "SELECT count(*) FROM pokepedia_assets WHERE status = 'failed'")).isEqualTo(assets);
            assertThat(registry.counter("pokepedia.sprites.assets", "outcome", "source_down").count()).isPositive();
            assertThat(LiveFixtures.count(db.database(), "SELECT count(*) FROM pokepedia_assets WHERE last_error LIKE '%not asked for%'"))
                    .isPositive();
        }
    }

    @Test
    void theSpriteWorkerRefusesAStorageOtherThanTheOneTheStoredAssetsAreIn() throws Exception {
        new dev.pokepedia.media.AssetManifest(db.database()).recordStorageTarget("file:///srv/elsewhere");
        try (LivePath live = livePath(config(), new SimpleMeterRegistry())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> live.start(Set.of(LiveQueues.SPRITES)))
                    .isInstanceOf(dev.pokepedia.core.ConfigurationException.class)
                    .hasMessageContaining("would write to " + objects.describe())
                    .hasMessageContaining("stored assets are in file:///srv/elsewhere");
            assertThat(live.runtime()).as("nothing was started").isNull();
        }
        // the ingest worker alone does not write media, so it starts
        try (LivePath live = livePath(config(), new SimpleMeterRegistry())) {
            live.start(Set.of(LiveQueues.INGEST));
            assertThat(live.runtime()).isNotNull();
            live.shutdown(Duration.ofSeconds(10));
        }
    }

    @Test
    void seedingFromASnapshotFileWorksWithoutAServer() throws Exception {
        try (LivePath live = livePath(config(), new SimpleMeterRegistry())) {
            Seeder.Report seeded = live.seed(LiveFixtures.CORPUS_0710.toString(), Set.of("type"));
            drain(live);

            assertThat(seeded.enqueued()).isPositive();
            SortedMap<String, String> types = new java.util.TreeMap<>(importedShas);
            types.keySet().removeIf(k -> !k.startsWith("type/"));
            assertThat(LiveFixtures.liveShas(db.database())).isEqualTo(types);
        }
    }
}
