package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SettableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The list and search routes served from the in-memory copy answer exactly what the database answers (items, order,
 * cursors), and a copy is never used after a change it does not hold, whoever made it.
 */
class CatalogMemoryIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static final List<String> FOLDERS = List.of("pokedex/gen1", "pokedex/Gen1", "cards", "ui/icons", "");
    static final List<String> WORDS = List.of("pikachu", "Pikachu", "eevee", "eevee-front", "mr. mime", "farfetch'd",
            "Évoli", "zubat", "100%", "shiny");
    static final List<String> TAGS = List.of("fire", "water", "Fire", "legendary", "starter");

    private static final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private static FakeCloudinary fake;
    private static MediaProvider provider;
    private static MediaLibrary fromDatabase;
    private static MediaLibrary fromMemory;
    private static AutoCloseable keeping;

    @BeforeAll
    static void fill() throws Exception {
        fake = new FakeCloudinary(clock).start();
        Random r = new Random(7);
        for (int i = 0; i < 300; i++) {
            String folder = FOLDERS.get(r.nextInt(FOLDERS.size()));
            String type = i % 10 == 0 ? "video" : i % 17 == 0 ? "raw" : "image";
            FakeCloudinary.Res res = fake.put(type, (folder.isEmpty() ? "" : folder + "/") + "asset-" + i,
                    1_700_000_000L + i, TAGS.get(r.nextInt(TAGS.size())), TAGS.get(r.nextInt(TAGS.size())));
            res.displayName = i % 7 == 0 ? null : WORDS.get(r.nextInt(WORDS.size())) + " " + WORDS.get(r.nextInt(WORDS.size()));
            res.createdAt = Instant.parse("2025-01-01T00:00:00Z").plusSeconds(60L * (i / 3)); // ties: the id decides
            res.bytes = 1_000 + r.nextInt(50) * 100L; // ties: the id decides
        }
        provider = fake.provider(clock, Duration.ofHours(2));
        fromDatabase = new MediaLibrary(db.database(), provider);
        fromDatabase.reconcile(ReconcileOptions.defaults());
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("UPDATE media_assets SET bytes = NULL WHERE public_id LIKE '%5'"); // NULLS LAST
            st.execute("UPDATE media_assets SET deleted_at = now(), sync_status = 'deleted' WHERE public_id LIKE '%3'");
        }
        fromMemory = new MediaLibrary(db.database(), provider);
        keeping = fromMemory.keepInMemory(db.config());
        await().atMost(Duration.ofSeconds(30)).until(fromMemory::inMemory);
    }

    @AfterAll
    static void stop() throws Exception {
        keeping.close();
        provider.close();
        fake.close();
    }

    @Test
    void every_listing_from_memory_equals_the_database_answer_page_by_page() {
        Random r = new Random(11);
        int compared = 0;
        for (int n = 0; n < 400; n++) {
            MediaQuery q = randomQuery(r);
            for (int pageNo = 0; pageNo < 3; pageNo++) {
                MediaList expected = fromDatabase.list(q);
                MediaList actual = fromMemory.list(q);
                assertThat(ids(actual)).as("%s", q).isEqualTo(ids(expected));
                assertThat(actual.nextCursor()).as("%s", q).isEqualTo(expected.nextCursor());
                // why: the memory copy keeps each row's rendering; it must be what the database's row renders to
                assertThat(actual.itemsJson()).as("%s", q).zipSatisfy(expected.itemsJson(),
                        (a, e) -> assertThat(new String(a, StandardCharsets.UTF_8)).isEqualTo(new String(e, StandardCharsets.UTF_8)));
                compared += expected.items().size();
                if (expected.nextCursor() == null) {
                    break;
                }
                q = q.withCursor(expected.nextCursor());
            }
        }
        assertThat(compared).isGreaterThan(5_000);
        assertThat(fromMemory.inMemory()).as("the answers above came from memory").isTrue();
    }

    @Test
    void a_change_by_another_process_is_answered_at_once_from_the_database_then_from_a_new_copy() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(fromMemory::inMemory);
        String id = liveId(1);
        MediaQuery tagged = new MediaQuery(null, "moved-here", null, null, null, 10, 0, null, false);
        assertThat(fromMemory.list(tagged).items()).isEmpty();
        sql("UPDATE media_assets SET tags = '{moved-here}' WHERE public_id = '" + id + "'");
        // the notification drops the copy within milliseconds; until a new one is loaded the database answers
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> ids(fromMemory.list(tagged)).equals(List.of(id)));
        await().atMost(Duration.ofSeconds(30)).until(fromMemory::inMemory);
        assertThat(ids(fromMemory.list(tagged))).containsExactly(id);
    }

    @Test
    void a_lost_listening_connection_drops_the_copy_and_a_change_made_meanwhile_is_seen() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(fromMemory::inMemory);
        String id = liveId(2);
        MediaQuery text = new MediaQuery(null, null, null, "unheardofword", null, 10, 0, null, false);
        sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pokepedia-media-catalog'"
                + " AND datname = current_database()");
        sql("UPDATE media_assets SET display_name = 'unheardofword' WHERE public_id = '" + id + "'");
        await().atMost(Duration.ofSeconds(30)).until(() -> fromMemory.inMemory() && ids(fromMemory.list(text)).equals(List.of(id)));
        assertThat(ids(fromDatabase.list(text))).containsExactly(id);
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    /** The public id of the n-th live asset by catalog id. */
    private static String liveId(int n) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT public_id FROM media_assets WHERE deleted_at IS NULL ORDER BY id OFFSET " + n + " LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> ids(MediaList l) {
        List<String> out = new ArrayList<>();
        l.items().forEach(a -> out.add(a.ref().publicId()));
        return out;
    }

    private static MediaQuery randomQuery(Random r) {
        String folder = r.nextInt(4) == 0 ? FOLDERS.get(r.nextInt(FOLDERS.size())) : null;
        String tag = r.nextInt(4) == 0 ? TAGS.get(r.nextInt(TAGS.size())) : null;
        ResourceType type = r.nextInt(5) == 0 ? List.of(ResourceType.IMAGE, ResourceType.VIDEO, ResourceType.RAW).get(r.nextInt(3)) : null;
        String text = switch (r.nextInt(6)) {
            case 0 -> WORDS.get(r.nextInt(WORDS.size()));
            case 1 -> WORDS.get(r.nextInt(WORDS.size())) + " " + WORDS.get(r.nextInt(WORDS.size()));
            case 2 -> List.of("asset", "gen1", "FIRE", "eevee-front", "%", "' OR 1=1 --", "!!!").get(r.nextInt(7));
            default -> null;
        };
        String sort = List.of("created_desc", "created_asc", "name", "bytes_desc").get(r.nextInt(4));
        int limit = List.of(1, 7, 20, 50).get(r.nextInt(4));
        return new MediaQuery(folder, tag, type, text, sort, limit, r.nextInt(3) == 0 ? limit * r.nextInt(4) : 0, null,
                r.nextInt(5) == 0);
    }
}
