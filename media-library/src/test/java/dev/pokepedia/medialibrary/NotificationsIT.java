package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SettableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhook notifications applied to the real catalog, with the fake Cloudinary as the provider they re-read. */
class NotificationsIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));
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

    private static Notification n(String json) throws Exception {
        var node = JSON.readTree(json);
        return new Notification(node.path("notification_type").asText(), clock.instant(),
                node.path("request_id").asText("r"), node);
    }

    private static String upload(String id, long version, String tags) {
        return """
                {"notification_type":"upload","request_id":"up-%d","public_id":"%s","version":%d,"resource_type":"image",
                 "type":"upload","format":"png","bytes":%d,"width":10,"height":10,"tags":[%s],
                 "created_at":"2026-12-07T11:00:00Z","secure_url":"https://res.example/%s.png","etag":"e%d",
                 "asset_folder":"pokedex"}""".formatted(version, id, version, version, tags, id, version);
    }

    @Test
    void an_upload_notification_adds_the_asset_and_a_repeat_changes_nothing() throws Exception {
        assertThat(library.apply(n(upload("pokedex/a", 100, "\"x\"")))).containsEntry("pokedex/a", ApplyResult.ADDED);
        assertThat(library.apply(n(upload("pokedex/a", 100, "\"x\"")))).containsEntry("pokedex/a", ApplyResult.UNCHANGED);
        CatalogAsset a = library.find(AssetRef.image("pokedex/a")).orElseThrow();
        assertThat(a.tags()).containsExactly("x");
        assertThat(a.version()).isEqualTo(100);
        assertThat(a.syncStatus()).isEqualTo("synced");
        assertThat(count("SELECT count(*) FROM media_sync_log WHERE public_id = 'pokedex/a' AND operation = 'upload'"))
                .isEqualTo(2);
    }

    @Test
    void an_old_upload_arriving_late_never_overwrites_a_newer_state() throws Exception {
        library.apply(n(upload("pokedex/b", 200, "\"new\"")));
        assertThat(library.apply(n(upload("pokedex/b", 150, "\"old\"")))).containsEntry("pokedex/b", ApplyResult.STALE);
        assertThat(library.find(AssetRef.image("pokedex/b")).orElseThrow().tags()).containsExactly("new");
    }

    @Test
    void a_delete_tombstones_unless_the_catalog_already_has_a_newer_upload() throws Exception {
        library.apply(n(upload("pokedex/c", 300, "")));
        String delete = """
                {"notification_type":"delete","request_id":"del","resources":[{"resource_type":"image","type":"upload",
                 "public_id":"pokedex/c","version":%d}]}""";
        assertThat(library.apply(n(delete.formatted(299)))).containsEntry("pokedex/c", ApplyResult.STALE);
        assertThat(library.find(AssetRef.image("pokedex/c")).orElseThrow().deleted()).isFalse();
        assertThat(library.apply(n(delete.formatted(300)))).containsEntry("pokedex/c", ApplyResult.DELETED);
        CatalogAsset gone = library.find(AssetRef.image("pokedex/c")).orElseThrow();
        assertThat(gone.deleted()).isTrue();
        assertThat(gone.syncStatus()).isEqualTo("deleted");
        assertThat(library.apply(n(delete.formatted(300)))).containsEntry("pokedex/c", ApplyResult.UNCHANGED);
        // a re-upload after the delete revives the row
        assertThat(library.apply(n(upload("pokedex/c", 301, "")))).containsEntry("pokedex/c", ApplyResult.UPDATED);
        assertThat(library.find(AssetRef.image("pokedex/c")).orElseThrow().deleted()).isFalse();
    }

    @Test
    void a_rename_moves_the_row_with_its_usage_to_the_new_public_id() throws Exception {
        fake.put("image", "pokedex/d", 400);
        library.apply(n(upload("pokedex/d", 400, "")));
        long id = library.find(AssetRef.image("pokedex/d")).orElseThrow().id();
        exec("INSERT INTO media_usage (asset_id, entity_type, entity_id) VALUES (" + id + ", 'pokemon', '25')");
        provider.rename(AssetRef.image("pokedex/d"), "archive/d");
        var result = library.apply(n("""
                {"notification_type":"rename","request_id":"ren","resource_type":"image","type":"upload",
                 "from_public_id":"pokedex/d","to_public_id":"archive/d"}"""));
        assertThat(result).containsKeys("archive/d", "pokedex/d");
        CatalogAsset moved = library.find(AssetRef.image("archive/d")).orElseThrow();
        assertThat(moved.id()).isEqualTo(id);
        assertThat(moved.folder()).isEqualTo("archive");
        assertThat(library.find(AssetRef.image("pokedex/d"))).isEmpty();
        assertThat(count("SELECT count(*) FROM media_usage WHERE asset_id = " + id)).isEqualTo(1);
    }

    @Test
    void tag_context_and_display_name_notifications_apply_what_the_provider_says_now() throws Exception {
        fake.put("image", "pokedex/e", 500, "one");
        library.apply(n(upload("pokedex/e", 500, "\"one\"")));
        provider.update(AssetRef.image("pokedex/e"), new AssetChanges(java.util.List.of("two", "three"),
                Map.of("alt", "text"), "Eevee"));
        String changed = """
                {"notification_type":"%s","request_id":"%s","resources":[{"public_id":"pokedex/e","resource_type":"image",
                 "type":"upload","added":["two"],"removed":["one"]}]}""";
        // an out-of-date delta means nothing: the asset is re-read from the provider
        library.apply(n(changed.formatted("resource_tags_changed", "t1")));
        CatalogAsset e = library.find(AssetRef.image("pokedex/e")).orElseThrow();
        assertThat(e.tags()).containsExactly("two", "three");
        assertThat(e.context()).containsEntry("alt", "text");
        assertThat(e.displayName()).isEqualTo("Eevee");
        assertThat(library.apply(n(changed.formatted("resource_display_name_changed", "t2"))))
                .containsEntry("pokedex/e", ApplyResult.UNCHANGED);
    }

    @Test
    void an_unknown_type_is_acknowledged_and_logged() throws Exception {
        assertThat(library.apply(n("{\"notification_type\":\"eager\",\"request_id\":\"unk-1\"}"))).isEmpty();
        assertThat(count("SELECT count(*) FROM media_sync_log WHERE request_id = 'unk-1' AND status = 'skipped'"))
                .isEqualTo(1);
    }

    @Test
    void a_signed_webhook_body_goes_from_verification_to_the_catalog() throws Exception {
        String body = upload("pokedex/f", 600, "\"signed\"");
        String ts = Long.toString(clock.instant().getEpochSecond());
        String sig = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest((body + ts + FakeCloudinary.API_SECRET).getBytes(StandardCharsets.UTF_8)));
        WebhookVerifier verifier = new WebhookVerifier(FakeCloudinary.API_SECRET,
                CloudinaryConfig.SignatureAlgorithm.SHA1, WebhookVerifier.DEFAULT_TOLERANCE, clock);
        Notification verified = verifier.verify(body.getBytes(StandardCharsets.UTF_8), ts, sig);
        assertThat(library.apply(verified)).containsEntry("pokedex/f", ApplyResult.ADDED);
        assertThat(library.find(AssetRef.image("pokedex/f")).orElseThrow().tags()).containsExactly("signed");
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
