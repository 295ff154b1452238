package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SettableClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The catalog's list, search, detail and statistics reads, on a catalog filled by a reconcile. */
class CatalogQueryIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private static FakeCloudinary fake;
    private static MediaProvider provider;
    private static MediaLibrary library;

    @BeforeAll
    static void fill() {
        fake = new FakeCloudinary(clock).start();
        for (int i = 0; i < 45; i++) {
            FakeCloudinary.Res r = fake.put("image", (i % 2 == 0 ? "even/" : "odd/") + "mon%02d".formatted(i),
                    1_700_000_000L + i, i % 5 == 0 ? "five" : "other");
            r.displayName = i == 7 ? "Pikachu's 100% \"shiny\"" : null;
        }
        provider = fake.provider(clock, Duration.ofHours(2));
        library = new MediaLibrary(db.database(), provider);
        library.reconcile(ReconcileOptions.defaults());
    }

    @AfterAll
    static void stop() {
        provider.close();
        fake.close();
    }

    @Test
    void pages_through_everything_by_cursor_newest_first_without_gaps_or_repeats() {
        List<String> ids = new ArrayList<>();
        MediaQuery q = MediaQuery.first(10);
        MediaList page;
        do {
            page = library.list(q);
            page.items().forEach(a -> ids.add(a.ref().publicId()));
            q = q.withCursor(page.nextCursor());
        } while (page.nextCursor() != null);
        assertThat(ids).hasSize(45).doesNotHaveDuplicates();
        assertThat(ids.getFirst()).isEqualTo("even/mon44");
        assertThat(ids.getLast()).isEqualTo("even/mon00");
    }

    @Test
    void filters_by_folder_tag_and_text_and_sorts_by_name() {
        assertThat(library.list(MediaQuery.first(100).withFolder("odd")).items()).hasSize(22);
        assertThat(library.list(MediaQuery.first(100).withTag("five")).items()).hasSize(9);
        assertThat(library.list(MediaQuery.first(100).withFolder("even").withTag("five")).items()).hasSize(5);
        assertThat(library.list(MediaQuery.first(100).withText("pikachu's shiny")).items())
                .extracting(a -> a.ref().publicId()).containsExactly("odd/mon07");
        assertThat(library.list(MediaQuery.first(100).withText("mon13")).items()).hasSize(1);
        // why the even folder: the odd one holds a capitalised name, whose place depends on the database's collation
        MediaQuery byName = MediaQuery.first(3).withSort("name").withFolder("even");
        assertThat(library.list(byName).items()).extracting(CatalogAsset::displayName)
                .containsExactly("mon00", "mon02", "mon04");
        String next = library.list(byName).nextCursor();
        assertThat(library.list(byName.withCursor(next)).items())
                .extracting(CatalogAsset::displayName).containsExactly("mon06", "mon08", "mon10");
    }

    @Test
    void hostile_search_text_is_just_text() throws SQLException {
        for (String text : new String[] {"'; DROP TABLE media_assets; --", "a & b | !c", "\\x00 % _ :*",
                "x".repeat(MediaQuery.MAX_TEXT)}) {
            assertThat(library.list(MediaQuery.first(10).withText(text)).items()).isEmpty();
        }
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            assertThat(st.executeQuery("SELECT count(*) FROM media_assets").next()).isTrue();
        }
        assertThatThrownBy(() -> MediaQuery.first(10).withText("x".repeat(10_000))).hasMessageStartingWith("q:");
        assertThatThrownBy(() -> MediaQuery.first(0)).hasMessageStartingWith("limit:");
        assertThatThrownBy(() -> MediaQuery.first(10).withSort("id; drop")).hasMessageStartingWith("sort:");
        assertThatThrownBy(() -> library.list(MediaQuery.first(10).withCursor("not-a-cursor!")))
                .hasMessageStartingWith("cursor:");
    }

    @Test
    void details_carry_usage_and_collections_and_statistics_count_by_folder() throws SQLException {
        CatalogAsset a = library.find(AssetRef.image("even/mon00")).orElseThrow();
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO media_usage (asset_id, entity_type, entity_id, field) VALUES (" + a.id()
                    + ", 'pokemon', '1', 'sprite')");
            st.execute("INSERT INTO media_collections (name) VALUES ('favourites')");
            st.execute("INSERT INTO media_collection_assets (collection_id, asset_id) SELECT id, " + a.id()
                    + " FROM media_collections");
        }
        MediaDetails d = library.details(a.id()).orElseThrow();
        assertThat(d.usage()).containsExactly(new MediaDetails.Usage("pokemon", "1", "sprite"));
        assertThat(d.collections()).containsExactly("favourites");
        assertThat(library.details(-1)).isEmpty();
        assertThat(library.statistics()).contains("\"total_assets\": 45").contains("\"even\": {\"bytes\":")
                .contains("\"last_run\"");
    }

    @Test
    void a_caller_arriving_while_the_statistics_are_computed_gets_the_previous_answer_without_waiting() throws Exception {
        String before = library.statistics();
        // why its own threads: the common pool has one worker on a 2-core machine, so the second caller would queue
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
                Connection locker = db.database().connection(); Statement st = locker.createStatement()) {
            // a change (every catalog change writes the sync log), then the catalog held so the next computation waits
            st.execute("INSERT INTO media_sync_log (operation, direction, provider, cloud, public_id, status)"
                    + " VALUES ('tags', 'provider_to_catalog', 'cloudinary', '" + provider.cloud() + "', 'even/mon00', 'success')");
            locker.setAutoCommit(false);
            st.execute("LOCK TABLE media_assets IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<String> computing = CompletableFuture.supplyAsync(library::statistics, threads);
            await().atMost(Duration.ofSeconds(20)).until(() -> waitingForLock("get_media_statistics"));

            assertThat(CompletableFuture.supplyAsync(library::statistics, threads).get(10, TimeUnit.SECONDS)).isEqualTo(before);
            assertThat(computing).isNotDone();
            locker.rollback();
            assertThat(computing.get(20, TimeUnit.SECONDS)).contains("\"total_assets\": 45");
        }
    }

    private static boolean waitingForLock(String query) throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE '%" + query + "%' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
