package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SettableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Changes made through the catalog reach the provider first, then the catalog, each with a log entry. */
class CatalogToProviderIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13};
    private static FakeCloudinary fake;
    private static MediaProvider provider;
    private static MediaLibrary library;

    @BeforeAll
    static void start() {
        fake = new FakeCloudinary(clock).start();
        provider = fake.provider(clock, Duration.ofHours(2));
        library = new MediaLibrary(db.database(), provider);
    }

    @AfterAll
    static void stop() {
        provider.close();
        fake.close();
    }

    @Test
    void upload_update_move_reach_the_provider_and_the_catalog() throws SQLException {
        library.upload(new UploadRequest(AssetRef.image("team/logo.png"), PNG, "image/png", List.of("brand"),
                Map.of(), "Logo"), "api-1");
        assertThat(fake.get("image", "team/logo.png")).isNotNull();
        long id = library.find(AssetRef.image("team/logo.png")).orElseThrow().id();

        library.update(AssetRef.image("team/logo.png"), AssetChanges.tags(List.of("brand", "2026")), "api-2");
        assertThat(fake.get("image", "team/logo.png").tags).containsExactly("brand", "2026");
        assertThat(library.find(AssetRef.image("team/logo.png")).orElseThrow().tags()).containsExactly("brand", "2026");

        library.move(AssetRef.image("team/logo.png"), "archive/logo.png", "api-3");
        assertThat(fake.get("image", "archive/logo.png")).isNotNull();
        CatalogAsset moved = library.find(AssetRef.image("archive/logo.png")).orElseThrow();
        assertThat(moved.id()).isEqualTo(id);
        assertThat(moved.folder()).isEqualTo("archive");
        assertThat(count("SELECT count(*) FROM media_sync_log WHERE direction = 'catalog_to_provider'"
                + " AND status = 'success' AND request_id IN ('api-1', 'api-2', 'api-3')")).isEqualTo(3);
        assertThat(library.reconcile(ReconcileOptions.defaults().withDryRun(true)).diff()).isEmpty();
    }

    @Test
    void a_file_that_is_not_what_its_name_says_is_refused_before_anything_is_sent() {
        byte[] html = "<html>not a png</html>".getBytes(StandardCharsets.UTF_8);
        int before = fake.requests().size();
        assertThatThrownBy(() -> library.upload(new UploadRequest(AssetRef.image("x/fake.png"), html, "image/png",
                null, null, null), "api-4")).hasMessageContaining("claims to be png");
        assertThatThrownBy(() -> library.upload(new UploadRequest(AssetRef.image("x/empty.png"), new byte[0], null,
                null, null, null), "api-5")).hasMessageContaining("empty");
        assertThat(fake.requests()).hasSize(before);
        assertThat(library.find(AssetRef.image("x/fake.png"))).isEmpty();
    }

    @Test
    void an_asset_in_use_is_not_deleted_without_force() throws SQLException {
        for (String id : List.of("del/a.png", "del/b.png")) {
            library.upload(new UploadRequest(AssetRef.image(id), PNG, "image/png", null, null, null), "api-6");
        }
        long used = library.find(AssetRef.image("del/a.png")).orElseThrow().id();
        exec("INSERT INTO media_usage (asset_id, entity_type, entity_id) VALUES (" + used + ", 'pokemon', '4')");

        Map<String, String> first = library.delete(ResourceType.IMAGE, List.of("del/a.png", "del/b.png", "del/none.png"),
                false, "api-7");
        assertThat(first).containsEntry("del/a.png", "in_use").containsEntry("del/b.png", "deleted")
                .containsEntry("del/none.png", "not_found");
        assertThat(fake.get("image", "del/a.png")).isNotNull();
        assertThat(fake.get("image", "del/b.png")).isNull();
        assertThat(library.find(AssetRef.image("del/b.png")).orElseThrow().deleted()).isTrue();

        assertThat(library.delete(ResourceType.IMAGE, List.of("del/a.png"), true, "api-8"))
                .containsEntry("del/a.png", "deleted");
        assertThat(library.find(AssetRef.image("del/a.png")).orElseThrow().deleted()).isTrue();
        assertThat(count("SELECT count(*) FROM media_usage WHERE asset_id = " + used)).isEqualTo(1); // history kept
    }

    @Test
    void a_provider_refusal_is_logged_and_changes_nothing_in_the_catalog() throws SQLException {
        assertThatThrownBy(() -> library.update(AssetRef.image("nope/missing.png"), AssetChanges.tags(List.of("x")),
                "api-9")).isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
        assertThat(count("SELECT count(*) FROM media_sync_log WHERE request_id = 'api-9' AND status = 'error'"))
                .isEqualTo(1);
        assertThat(library.find(AssetRef.image("nope/missing.png"))).isEmpty();
    }

    static long count(String sql) throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void exec(String sql) throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
