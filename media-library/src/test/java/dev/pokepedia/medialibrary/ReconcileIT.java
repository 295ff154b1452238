package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.medialibrary.ReconcileReport.Change;
import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SettableClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reconciliation against the fake Cloudinary and the real catalog; each test uses its own cloud-name scope. */
class ReconcileIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private FakeCloudinary fake;
    private MediaProvider provider;
    private MediaLibrary library;

    @BeforeEach
    void start() throws SQLException {
        fake = new FakeCloudinary(clock).start();
        provider = provider(Duration.ofHours(2));
        library = new MediaLibrary(db.database(), provider);
        exec("TRUNCATE media_assets, media_sync_log, media_sync_runs CASCADE");
    }

    private MediaProvider provider(Duration maxWait) {
        return fake.provider(clock, maxWait);
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
    }

    private void seed(int n) {
        for (int i = 0; i < n; i++) {
            fake.put("image", "pokedex/%04d".formatted(i), 1_000 + i, "gen" + (i % 3));
        }
    }

    private static ReconcileOptions batch(int n) {
        return ReconcileOptions.defaults().withBatchSize(n);
    }

    @Test
    void the_first_reconcile_fills_the_catalog_and_a_second_finds_nothing_to_do() throws SQLException {
        seed(120);
        fake.put("video", "clips/intro", 5_000);
        ReconcileReport first = library.reconcile(batch(50));
        assertThat(first.complete()).isTrue();
        assertThat(first.added()).isEqualTo(121);
        assertThat(count("SELECT count(*) FROM media_assets WHERE deleted_at IS NULL")).isEqualTo(121);
        assertThat(count("SELECT count(*) FROM media_sync_log WHERE operation = 'reconcile_add'")).isEqualTo(121);
        assertThat(library.find(AssetRef.image("pokedex/0007")).orElseThrow().tags()).containsExactly("gen1");

        ReconcileReport second = library.reconcile(batch(50));
        assertThat(second.nothingToDo()).isTrue();
        assertThat(second.unchanged()).isEqualTo(121);
        assertThat(library.reconcile(batch(50).withDryRun(true)).diff()).isEmpty();
    }

    @Test
    void changes_on_the_provider_are_picked_up_and_a_dry_run_shows_them_first() throws SQLException {
        seed(30);
        library.reconcile(batch(10));
        fake.get("image", "pokedex/0003").tags = List.of("renamed-tag"); // a tag change: same version and etag
        fake.put("image", "pokedex/new", 9_999);
        fake.remove("image", "pokedex/0010");

        ReconcileReport dry = library.reconcile(batch(10).withDryRun(true));
        assertThat(dry.diff()).containsExactlyInAnyOrder(
                new ReconcileReport.DiffEntry(Change.UPDATE, ResourceType.IMAGE, "pokedex/0003"),
                new ReconcileReport.DiffEntry(Change.ADD, ResourceType.IMAGE, "pokedex/new"),
                new ReconcileReport.DiffEntry(Change.DELETE, ResourceType.IMAGE, "pokedex/0010"));
        assertThat(count("SELECT count(*) FROM media_assets WHERE deleted_at IS NULL")).isEqualTo(30); // wrote nothing

        ReconcileReport wet = library.reconcile(batch(10));
        assertThat(wet.added()).isEqualTo(1);
        assertThat(wet.updated()).isEqualTo(1);
        assertThat(wet.deleted()).isEqualTo(1);
        assertThat(library.find(AssetRef.image("pokedex/0003")).orElseThrow().tags()).containsExactly("renamed-tag");
        assertThat(library.find(AssetRef.image("pokedex/0010")).orElseThrow().syncStatus()).isEqualTo("deleted");
        assertThat(library.reconcile(batch(10).withDryRun(true)).diff()).isEmpty();
    }

    @Test
    void a_missed_webhook_is_repaired_and_catalog_only_fields_survive() throws SQLException {
        seed(5);
        library.reconcile(batch(10));
        long id = library.find(AssetRef.image("pokedex/0002")).orElseThrow().id();
        exec("INSERT INTO media_collections (name) VALUES ('starters')");
        exec("INSERT INTO media_collection_assets (collection_id, asset_id) SELECT id, " + id
                + " FROM media_collections WHERE name = 'starters'");
        exec("INSERT INTO media_usage (asset_id, entity_type, entity_id) VALUES (" + id + ", 'pokemon', '1')");
        // the provider changed and its webhook never arrived
        provider.update(AssetRef.image("pokedex/0002"), new AssetChanges(List.of("missed"), null, "Missed"));
        library.reconcile(batch(10));
        CatalogAsset a = library.find(AssetRef.image("pokedex/0002")).orElseThrow();
        assertThat(a.id()).isEqualTo(id);
        assertThat(a.tags()).containsExactly("missed");
        assertThat(a.displayName()).isEqualTo("Missed");
        assertThat(count("SELECT count(*) FROM media_usage WHERE asset_id = " + id)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM media_collection_assets WHERE asset_id = " + id)).isEqualTo(1);
    }

    @Test
    void a_server_error_mid_listing_tombstones_nothing_and_the_rerun_resumes_from_the_cursor() throws SQLException {
        seed(50);
        library.reconcile(batch(10));
        fake.remove("image", "pokedex/0049"); // would be tombstoned by a complete run
        for (int i = 0; i < 49; i++) {
            fake.get("image", "pokedex/%04d".formatted(i)).tags = List.of("v2");
        }
        int before = fake.listCalls();
        fake.failListCall(3, 500); // pages 1 and 2 apply, page 3 fails
        ReconcileReport broken = library.reconcile(batch(10));
        assertThat(broken.complete()).isFalse();
        assertThat(broken.error()).contains("500");
        assertThat(broken.updated()).isEqualTo(20);
        assertThat(library.find(AssetRef.image("pokedex/0049")).orElseThrow().deleted()).isFalse();
        assertThat(one("SELECT status FROM media_sync_runs WHERE id = " + broken.runId())).isEqualTo("interrupted");

        ReconcileReport resumed = library.reconcile(batch(10));
        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.runId()).isEqualTo(broken.runId());
        assertThat(resumed.complete()).isTrue();
        assertThat(resumed.updated()).isEqualTo(29); // pages 3..5 only: nothing of pages 1-2 listed again
        assertThat(resumed.deleted()).isEqualTo(1);
        assertThat(fake.listCalls() - before).isEqualTo(3 + 5); // 3 before the stop (the 3rd failed); then image pages 3-5, video, raw
        assertThat(count("SELECT count(*) FROM media_sync_log WHERE operation = 'reconcile_update'")).isEqualTo(49);
        assertThat(count("SELECT count(*) FROM (SELECT public_id FROM media_sync_log WHERE operation ="
                + " 'reconcile_update' GROUP BY public_id HAVING count(*) > 1) t")).isZero();
        assertThat(one("SELECT status FROM media_sync_runs WHERE id = " + broken.runId())).isEqualTo("completed");
    }

    @Test
    void credentials_refused_mid_listing_throw_a_configuration_error_and_the_run_resumes_once_they_work()
            throws SQLException {
        seed(50);
        library.reconcile(batch(10));
        fake.failListCall(2, 401); // page 1 applies, page 2 is refused
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> library.reconcile(batch(10)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.UNAUTHORIZED);
                    // why: exit 2 and a setting to fix, not exit 4 and "rerun to resume"
                    assertThat(e.code()).isEqualTo(dev.pokepedia.core.PokepediaException.ErrorCode.CONFIGURATION);
                    assertThat(e.hint()).contains("CLOUDINARY_URL").doesNotContain(FakeCloudinary.API_SECRET);
                });
        String runId = one("SELECT max(id)::text FROM media_sync_runs");
        assertThat(one("SELECT status FROM media_sync_runs WHERE id = " + runId)).isEqualTo("interrupted");
        assertThat(count("SELECT count(*) FROM media_assets WHERE deleted_at IS NOT NULL")).isZero();

        ReconcileReport resumed = library.reconcile(batch(10));
        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.complete()).isTrue();
        assertThat(String.valueOf(resumed.runId())).isEqualTo(runId);
    }

    @Test
    void a_rate_limit_reset_too_far_away_stops_the_run_which_resumes_after_the_reset() throws SQLException {
        seed(40);
        MediaProvider impatient = provider(Duration.ofSeconds(5));
        MediaLibrary lib = new MediaLibrary(db.database(), impatient);
        try (LogCapture logs = new LogCapture()) {
            fake.rateLimit(1000, 2); // two calls left this hour
            ReconcileReport stopped = lib.reconcile(batch(10));
            // after the first page 1 call is left: spreading it to the reset means a wait far over 5 s, so the run
            // stops instead of burning the last call
            assertThat(stopped.complete()).isFalse();
            assertThat(stopped.added()).isEqualTo(10);
            assertThat(stopped.error()).contains("quota");
            clock.set(fake.windowReset().plusSeconds(1)); // the hour is over
            ReconcileReport resumed = lib.reconcile(batch(10));
            assertThat(resumed.complete()).isTrue();
            assertThat(resumed.resumed()).isTrue();
            assertThat(resumed.added()).isEqualTo(30);
            assertThat(count("SELECT count(*) FROM media_assets WHERE deleted_at IS NULL")).isEqualTo(40);
            assertThat(logs.text()).doesNotContain(FakeCloudinary.API_SECRET);
        } finally {
            impatient.close();
        }
    }

    @Test
    void a_reconcile_limited_to_a_prefix_never_tombstones_outside_it() throws SQLException {
        fake.put("image", "a/one", 1);
        fake.put("image", "b/two", 2);
        library.reconcile(batch(10));
        fake.remove("image", "b/two");
        ReconcileReport scoped = library.reconcile(new ReconcileOptions("a/", 10, false, false, 0));
        assertThat(scoped.deleted()).isZero();
        assertThat(library.find(AssetRef.image("b/two")).orElseThrow().deleted()).isFalse();
    }

    static long count(String sql) throws SQLException {
        return Long.parseLong(one(sql));
    }

    static String one(String sql) throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void exec(String sql) throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void ten_thousand_assets_are_reconciled_in_pages_of_500_and_a_second_run_changes_nothing() throws SQLException {
        for (int i = 0; i < 10_000; i++) {
            fake.put(i % 10 == 0 ? "video" : "image", "big/%05d".formatted(i), 10_000 + i, "gen" + (i % 9));
        }
        int calls = fake.listCalls();
        ReconcileReport first = library.reconcile(ReconcileOptions.defaults());
        assertThat(first.complete()).isTrue();
        assertThat(first.added()).isEqualTo(10_000);
        assertThat(fake.listCalls() - calls).isEqualTo(18 + 2 + 1); // 9,000 images, 1,000 videos, no raw files
        assertThat(count("SELECT count(*) FROM media_assets WHERE deleted_at IS NULL")).isEqualTo(10_000);
        assertThat(count("SELECT count(DISTINCT public_id) FROM media_sync_log WHERE operation = 'reconcile_add'")).isEqualTo(10_000);

        fake.get("image", "big/00001").tags = List.of("changed");
        String rowVersions = "SELECT count(*) FROM media_assets WHERE xmin::text <> ALL (SELECT x FROM row_versions)";
        exec("CREATE TABLE row_versions AS SELECT xmin::text AS x FROM media_assets");
        ReconcileReport second = library.reconcile(ReconcileOptions.defaults());
        // only the changed asset's catalog row was written (the listing's ids are kept beside the run)
        assertThat(count(rowVersions)).isEqualTo(1);
        exec("DROP TABLE row_versions");
        assertThat(second.updated()).isEqualTo(1);
        assertThat(second.unchanged()).isEqualTo(9_999);
        assertThat(second.added() + second.deleted()).isZero();
        assertThat(library.find(AssetRef.image("big/00001")).orElseThrow().tags()).containsExactly("changed");
    }
}
