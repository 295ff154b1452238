package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.CloudinaryConfig;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.MediaProviders;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.S3LibraryConfig;
import dev.pokepedia.medialibrary.UploadRequest;
import dev.pokepedia.medialibrary.WebhookVerifier;
import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.S3TestServer;
import dev.pokepedia.testkit.SettableClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The media library page over HTTP: sessions, CSRF and origin checks, escaping, thumbnails, the change watcher. */
class MediaPageIT {

    static final String PASSWORD = "media-page-it-password";
    static final String MARKUP_NAME = "<script>alert(1)</script>";
    static final String MARKUP_TAG = "\"><img src=x onerror=alert(2)>";

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();
    @RegisterExtension
    static S3TestServer s3 = new S3TestServer();

    static MediaProvider provider;
    static MediaLibrary library;
    static PokepediaServer server;
    static Http http;

    @BeforeAll
    static void start() {
        provider = MediaProviders.s3(new S3LibraryConfig(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), "page-it"));
        provider.upload(new UploadRequest(AssetRef.image("x/evil.svg"),
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(3)</script></svg>".getBytes(StandardCharsets.UTF_8),
                "image/svg+xml", List.of(MARKUP_TAG), Map.of(), MARKUP_NAME));
        provider.upload(new UploadRequest(new AssetRef(ResourceType.RAW, "x/notes.txt"), "hello".getBytes(StandardCharsets.UTF_8),
                "text/plain", List.of(), Map.of(), null));
        library = new MediaLibrary(db.database(), provider);
        library.reconcile(ReconcileOptions.defaults());
        server = PokepediaServer.builder(db.database())
                .options(ServerOptions.defaults().withPort(0).withAdminPassword(new AdminPassword(PASSWORD)))
                .mediaLibrary(library, new WebhookVerifier("s", CloudinaryConfig.SignatureAlgorithm.SHA1,
                        WebhookVerifier.DEFAULT_TOLERANCE, Clock.systemUTC()), "media-page-it-token-01234")
                .start();
        http = new Http(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
        provider.close();
    }

    private static long id(String publicId) {
        return library.find(new AssetRef(publicId.endsWith(".txt") ? ResourceType.RAW : ResourceType.IMAGE, publicId))
                .orElseThrow().id();
    }

    @Test
    void without_a_session_the_page_sends_to_the_login_and_its_fragments_answer_401() {
        HttpResponse<byte[]> page = http.get("/admin/media-library");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/admin/login");
        assertThat(http.get("/admin/media-library/grid").statusCode()).isEqualTo(401);
        assertThat(http.get("/admin/media-library/" + id("x/evil.svg") + "/thumbnail").statusCode()).isEqualTo(401);
        assertThat(http.send("POST", "/admin/media-library/" + id("x/evil.svg") + "/delete", "force=true").statusCode())
                .isEqualTo(401);
        assertThat(provider.get(AssetRef.image("x/evil.svg"))).isPresent();
    }

    @Test
    void provider_strings_are_escaped_in_the_grid() {
        AdminClient admin = new AdminClient(http);
        admin.loginOk(PASSWORD);
        String grid = Http.text(admin.get("/admin/media-library/grid?q="));
        assertThat(grid).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(MARKUP_NAME);
        assertThat(grid).doesNotContain("<img src=x").contains("&lt;img src=x onerror=alert(2)&gt;");
        String page = Http.text(admin.get("/admin/media-library"));
        assertThat(page).doesNotContain(MARKUP_NAME).contains("id=\"media-watch\"");
    }

    @Test
    void a_post_without_its_csrf_token_or_from_another_site_changes_nothing() {
        AdminClient admin = new AdminClient(http);
        admin.loginOk(PASSWORD);
        String tags = "/admin/media-library/" + id("x/evil.svg") + "/tags";
        assertThat(admin.post(tags, "tags=changed").statusCode()).isEqualTo(403);
        String csrf = AdminClient.token(Http.text(admin.get("/admin/media-library")));
        assertThat(admin.post(tags, "tags=changed&csrf=" + csrf, "Origin", "https://evil.example").statusCode()).isEqualTo(403);
        assertThat(provider.get(AssetRef.image("x/evil.svg")).orElseThrow().tags()).containsExactly(MARKUP_TAG);
        HttpResponse<byte[]> ok = admin.post(tags, "tags=" + AdminClient.enc(MARKUP_TAG + ", fine") + "&csrf=" + csrf);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Http.text(ok)).doesNotContain("<img src=x");
        assertThat(ok.headers().firstValue("HX-Trigger")).hasValue("media-changed");
        assertThat(provider.get(AssetRef.image("x/evil.svg")).orElseThrow().tags()).containsExactly(MARKUP_TAG, "fine");
    }

    @Test
    void thumbnails_are_images_only_and_sandboxed() {
        AdminClient admin = new AdminClient(http);
        admin.loginOk(PASSWORD);
        HttpResponse<byte[]> svg = admin.get("/admin/media-library/" + id("x/evil.svg") + "/thumbnail");
        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
        assertThat(svg.headers().firstValue("Content-Security-Policy").orElse("")).contains("sandbox").contains("default-src 'none'");
        assertThat(admin.get("/admin/media-library/" + id("x/notes.txt") + "/thumbnail").statusCode()).isEqualTo(404);
        assertThat(admin.get("/admin/media-library/abc/thumbnail").statusCode()).isEqualTo(400);
    }

    @Test
    void cloudinary_cards_show_its_delivery_thumbnails_and_only_that_page_allows_its_origin() {
        AdminClient s3Admin = new AdminClient(http);
        s3Admin.loginOk(PASSWORD);
        assertThat(s3Admin.get("/admin/media-library").headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("img-src 'self' data:;");
        try (FakeCloudinary fake = new FakeCloudinary(Clock.systemUTC()).start();
                MediaProvider cloudinary = fake.provider(new SettableClock(java.time.Instant.now()), Duration.ofHours(2))) {
            fake.put("image", "cards/pikachu", 1_700_000_000L);
            fake.put("raw", "cards/notes", 1_700_000_001L);
            MediaLibrary cld = new MediaLibrary(db.database(), cloudinary);
            cld.reconcile(ReconcileOptions.defaults());
            try (PokepediaServer s = PokepediaServer.builder(db.database())
                    .options(ServerOptions.defaults().withPort(0).withAdminPassword(new AdminPassword(PASSWORD)))
                    .mediaLibrary(cld, new WebhookVerifier("s", CloudinaryConfig.SignatureAlgorithm.SHA1,
                            WebhookVerifier.DEFAULT_TOLERANCE, Clock.systemUTC()), "media-page-it-token-01234").start()) {
                AdminClient admin = new AdminClient(new Http(s.baseUri()));
                admin.loginOk(PASSWORD);
                HttpResponse<byte[]> page = admin.get("/admin/media-library");
                assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                        .contains("img-src 'self' data: https://res.cloudinary.com;");
                assertThat(Http.text(page)).contains("<img src=\"https://res.cloudinary.com/" + FakeCloudinary.CLOUD
                        + "/image/upload/c_fit,h_240,w_240/v1/cards/pikachu\"");
                assertThat(Http.text(admin.get("/admin/media-library/grid?type=raw"))).doesNotContain("<img")
                        .contains("cards/notes");
            }
        }
    }

    @Test
    void the_watcher_fires_media_changed_only_when_the_catalog_changed() {
        AdminClient admin = new AdminClient(http);
        admin.loginOk(PASSWORD);
        long now = library.lastChange();
        assertThat(now).isPositive();
        assertThat(admin.get("/admin/media-library/watch?since=0").headers().firstValue("HX-Trigger")).hasValue("media-changed");
        HttpResponse<byte[]> same = admin.get("/admin/media-library/watch?since=" + library.lastChange());
        assertThat(same.headers().firstValue("HX-Trigger")).isEmpty();
        assertThat(Http.text(same)).contains("value=\"" + library.lastChange() + "\"");
        assertThat(admin.get("/admin/media-library/watch?since=abc").statusCode()).isEqualTo(400);
    }
}
