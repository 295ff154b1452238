package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.CloudinaryConfig;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.MediaProviders;
import dev.pokepedia.medialibrary.MediaWebhookQueue;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.S3LibraryConfig;
import dev.pokepedia.medialibrary.UploadRequest;
import dev.pokepedia.medialibrary.WebhookVerifier;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.S3TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The /api/media routes on a real server, database and S3 bucket as the provider. */
class MediaLibraryRoutesIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();
    @RegisterExtension
    static S3TestServer s3 = new S3TestServer();

    private static final String SECRET = "webhook-secret-for-routes";
    private static final String TOKEN = "media-api-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static MediaProvider provider;
    private static MediaLibrary library;
    private static PokepediaServer server;

    @BeforeAll
    static void start() {
        provider = MediaProviders.s3(new S3LibraryConfig(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(),
                "routes-bucket"));
        provider.upload(new UploadRequest(new AssetRef(ResourceType.IMAGE, "art/pikachu.png"), new byte[] {1, 2, 3},
                "image/png", List.of("electric"), Map.of(), "Pikachu"));
        library = new MediaLibrary(db.database(), provider);
        server = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0))
                .mediaLibrary(library, new WebhookVerifier(SECRET, CloudinaryConfig.SignatureAlgorithm.SHA1,
                        WebhookVerifier.DEFAULT_TOLERANCE, Clock.systemUTC()), TOKEN)
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
        provider.close();
    }

    private static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, Map.of("Authorization", "Bearer " + TOKEN));
    }

    private static HttpResponse<String> webhook(String body, long seconds, String secret) throws Exception {
        String ts = Long.toString(seconds);
        String sig = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest((body + ts + secret).getBytes(StandardCharsets.UTF_8)));
        return send("POST", "/api/media/webhooks/cloudinary", body, Map.of("X-Cld-Timestamp", ts,
                "X-Cld-Signature", sig, "Content-Type", "application/json"));
    }

    @Test
    void a_signed_webhook_is_acknowledged_and_lands_in_the_catalog_while_forgeries_and_replays_are_refused()
            throws Exception {
        String body = "{\"notification_type\":\"upload\",\"request_id\":\"wh-1\",\"public_id\":\"hooks/eevee.png\","
                + "\"version\":7,\"resource_type\":\"image\",\"bytes\":10,\"tags\":[\"normal\"]}";
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> ok = webhook(body, now, SECRET);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).path("request_id").asText()).isEqualTo("wh-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> library.find(new AssetRef(ResourceType.IMAGE,
                "hooks/eevee.png")).isPresent());

        assertThat(webhook(body, now, SECRET).statusCode()).isEqualTo(401); // replay
        HttpResponse<String> forged = webhook(body.replace("eevee", "mew"), now, "not-the-secret");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).doesNotContain(SECRET);
        HttpResponse<String> millis = webhook(body, System.currentTimeMillis(), SECRET);
        assertThat(millis.statusCode()).isEqualTo(401);
        assertThat(millis.body()).contains("milliseconds");
    }

    @Test
    void reads_need_the_token_and_bad_parameters_are_named() throws Exception {
        assertThat(send("GET", "/api/media", null, Map.of()).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/media", null, Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
        HttpResponse<String> limit = get("/api/media?limit=0");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(limit.body()).path("parameter").asText()).isEqualTo("limit");
        assertThat(JSON.readTree(get("/api/media?sort=evil").body()).path("parameter").asText()).isEqualTo("sort");
        assertThat(JSON.readTree(get("/api/media?bogus=1").body()).path("parameter").asText()).isEqualTo("bogus");
        assertThat(JSON.readTree(get("/api/media?q=" + "x".repeat(300)).body()).path("parameter").asText())
                .isEqualTo("q");
        String sqlish = URLEncoder.encode("'; DROP TABLE media_assets; --", StandardCharsets.UTF_8);
        assertThat(get("/api/media?q=" + sqlish).statusCode()).isEqualTo(200);
        assertThat(get("/api/media/abc").statusCode()).isEqualTo(400);
        assertThat(get("/api/media/987654321").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> upload(String publicId, byte[] content, String contentType, String tags)
            throws Exception {
        String boundary = "----pokepedia" + System.nanoTime();
        var out = new java.io.ByteArrayOutputStream();
        java.util.function.Consumer<String> w = t -> out.writeBytes(t.getBytes(StandardCharsets.UTF_8));
        w.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"public_id\"\r\n\r\n" + publicId + "\r\n");
        w.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\n" + tags + "\r\n");
        w.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\nContent-Type: "
                + contentType + "\r\n\r\n");
        out.writeBytes(content);
        w.accept("\r\n--" + boundary + "--\r\n");
        HttpRequest req = HttpRequest.newBuilder(server.baseUri().resolve("/api/media")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void upload_patch_and_delete_reach_the_bucket_and_in_use_assets_need_force() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 1};
        HttpResponse<String> up = upload("api/new.png", png, "image/png", "a, b");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(up.body());
        long id = created.path("id").asLong();
        assertThat(created.path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(provider.get(new AssetRef(ResourceType.IMAGE, "api/new.png"))).isPresent();

        HttpResponse<String> lie = upload("api/lie.png", "<html>".getBytes(StandardCharsets.UTF_8), "image/png", "");
        assertThat(lie.statusCode()).isEqualTo(400);
        assertThat(lie.body()).contains("claims to be png");

        HttpResponse<String> patched = send("PATCH", "/api/media/" + id,
                "{\"tags\":[\"c\"],\"display_name\":\"New\",\"public_id\":\"api/moved.png\"}",
                Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode p = JSON.readTree(patched.body());
        assertThat(p.path("public_id").asText()).isEqualTo("api/moved.png");
        assertThat(p.path("id").asLong()).isEqualTo(id);
        assertThat(provider.get(new AssetRef(ResourceType.IMAGE, "api/moved.png")).orElseThrow().tags())
                .containsExactly("c");

        try (var c = db.database().connection(); var st = c.createStatement()) {
            st.execute("INSERT INTO media_usage (asset_id, entity_type, entity_id) VALUES (" + id + ", 'page', 'home')");
        }
        Map<String, String> auth = Map.of("Authorization", "Bearer " + TOKEN);
        assertThat(send("DELETE", "/api/media/" + id, null, auth).statusCode()).isEqualTo(409);
        assertThat(provider.get(new AssetRef(ResourceType.IMAGE, "api/moved.png"))).isPresent();
        assertThat(send("DELETE", "/api/media/" + id + "?force=true", null, auth).statusCode()).isEqualTo(200);
        assertThat(provider.get(new AssetRef(ResourceType.IMAGE, "api/moved.png"))).isEmpty();

        upload("api/x.png", png, "image/png", "");
        HttpResponse<String> many = send("DELETE", "/api/media?public_ids=api/x.png,api/ghost.png", null, auth);
        assertThat(JSON.readTree(many.body()).path("api/x.png").asText()).isEqualTo("deleted");
        assertThat(JSON.readTree(many.body()).path("api/ghost.png").asText()).isEqualTo("not_found");
        assertThat(send("DELETE", "/api/media", null, auth).statusCode()).isEqualTo(400);
    }

    @Test
    void sync_fills_the_catalog_then_list_detail_and_stats_show_it() throws Exception {
        HttpResponse<String> dry = send("POST", "/api/media/sync", "{\"dry_run\":true}",
                Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(dry.statusCode()).isEqualTo(200);
        assertThat(dry.body()).contains("art/pikachu.png");
        JsonNode sync = JSON.readTree(send("POST", "/api/media/sync", "{\"batch_size\":100}",
                Map.of("Authorization", "Bearer " + TOKEN)).body());
        assertThat(sync.path("complete").asBoolean()).isTrue();

        JsonNode list = JSON.readTree(get("/api/media?tag=electric").body());
        assertThat(list.path("items")).hasSize(1);
        JsonNode item = list.path("items").get(0);
        assertThat(item.path("display_name").asText()).isEqualTo("Pikachu");
        assertThat(list.path("stats").path("total_assets").asLong()).isPositive();

        JsonNode one = JSON.readTree(get("/api/media/" + item.path("id").asLong()).body());
        assertThat(one.path("public_id").asText()).isEqualTo("art/pikachu.png");
        assertThat(one.path("usage").isArray()).isTrue();
        assertThat(get("/api/media/stats").body()).contains("by_folder");
        assertThat(JSON.readTree(get("/api/media/sync").body()).path("sync_health").path("last_run").path("status")
                .asText()).isEqualTo("completed");
        assertThat(get("/api/media").headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(URI.create(server.baseUri().toString())).isNotNull();
    }

    @Test
    void an_acknowledged_webhook_is_stored_in_the_queue_before_the_answer_and_applied_by_the_worker() throws Exception {
        try (Queues queues = Queues.open(db.database())) {
            // why pause: no worker may claim it, so what the 200 promised must already be in the queue
            queues.pause(MediaWebhookQueue.QUEUE);
            try {
                String body = "{\"notification_type\":\"upload\",\"request_id\":\"wh-queued\",\"public_id\":\"hooks/vaporeon.png\","
                        + "\"version\":3,\"resource_type\":\"image\",\"bytes\":12,\"tags\":[\"water\"]}";
                HttpResponse<String> ok = webhook(body, System.currentTimeMillis() / 1000, SECRET);
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(ok.body()).path("queued").asBoolean()).isTrue();
                assertThat(queues.stats()).filteredOn(q -> q.queue().equals(MediaWebhookQueue.QUEUE)).singleElement()
                        .satisfies(q -> assertThat(q.depth()).isEqualTo(1));
                assertThat(library.find(new AssetRef(ResourceType.IMAGE, "hooks/vaporeon.png"))).isEmpty();
            } finally {
                queues.resume(MediaWebhookQueue.QUEUE);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> library.find(new AssetRef(ResourceType.IMAGE,
                    "hooks/vaporeon.png")).isPresent());
            await().atMost(Duration.ofSeconds(10)).until(() -> queues.stats().stream()
                    .filter(q -> q.queue().equals(MediaWebhookQueue.QUEUE)).allMatch(q -> q.depth() == 0));
        }
    }

    private static JsonNode sync(String body, int status) throws Exception {
        HttpResponse<String> r = send("POST", "/api/media/sync", body, Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private static void put(String publicId) {
        provider.upload(new UploadRequest(new AssetRef(ResourceType.IMAGE, publicId), new byte[] {4, 5, 6}, "image/png",
                List.of(), Map.of(), null));
    }

    @Test
    void sync_takes_batch_size_and_force_and_a_stopped_run_resumes_unless_forced() throws Exception {
        for (String id : List.of("paged/a.png", "paged/b.png", "paged/c.png")) {
            put(id);
        }
        JsonNode paged = sync("{\"prefix\":\"paged/\",\"batch_size\":1}", 200);
        assertThat(paged.path("complete").asBoolean()).isTrue();
        assertThat(paged.path("added").asLong()).isEqualTo(3);
        assertThat(paged.path("pages").asInt()).isGreaterThanOrEqualTo(3); // why ≥: one asset per listed page

        put("forced/a.png");
        put("forced/b.png");
        // a run stopped after its first page (as a crash or a provider outage leaves it) …
        library.reconcile(new dev.pokepedia.medialibrary.ReconcileOptions("forced/", 1, false, false, 1));
        JsonNode resumed = sync("{\"folder\":\"forced/\",\"batch_size\":1}", 200);
        assertThat(resumed.path("resumed").asBoolean()).isTrue();
        assertThat(resumed.path("complete").asBoolean()).isTrue();
        // … is resumed by the next sync, but force starts a new run from the first page
        library.reconcile(new dev.pokepedia.medialibrary.ReconcileOptions("forced/", 1, false, false, 1));
        JsonNode forced = sync("{\"folder\":\"forced/\",\"batch_size\":1,\"force\":true}", 200);
        assertThat(forced.path("resumed").asBoolean()).isFalse();
        assertThat(forced.path("complete").asBoolean()).isTrue();
        assertThat(forced.path("seen").asLong()).isEqualTo(2);
        assertThat(forced.path("runId").asLong()).isNotEqualTo(resumed.path("runId").asLong());

        assertThat(sync("{\"batch_size\":0}", 400).path("parameter").asText()).isEqualTo("batch_size");
        assertThat(sync("{\"batch_size\":\"ten\"}", 400).path("parameter").asText()).isEqualTo("batch_size");
        assertThat(sync("{\"force\":\"yes\"}", 400).path("parameter").asText()).isEqualTo("force");
        assertThat(sync("{\"bogus\":1}", 400).path("parameter").asText()).isEqualTo("bogus");
    }

    @Test
    void sync_of_a_single_asset_rereads_it_from_the_provider_and_updates_or_tombstones_it() throws Exception {
        put("single/missed.png"); // on the provider, no webhook reached us
        JsonNode added = sync("{\"single_asset\":\"single/missed.png\"}", 200);
        assertThat(added.path("result").asText()).isEqualTo("added");
        assertThat(added.path("asset").path("public_id").asText()).isEqualTo("single/missed.png");
        assertThat(library.find(new AssetRef(ResourceType.IMAGE, "single/missed.png"))).isPresent();
        assertThat(sync("{\"single_asset\":\"single/missed.png\",\"resource_type\":\"image\"}", 200)
                .path("result").asText()).isEqualTo("unchanged");

        provider.delete(ResourceType.IMAGE, List.of("single/missed.png")); // deleted on the provider behind our back
        JsonNode gone = sync("{\"single_asset\":\"single/missed.png\"}", 200);
        assertThat(gone.path("result").asText()).isEqualTo("deleted");
        assertThat(gone.path("asset").path("deleted_at").isTextual()).isTrue();
        assertThat(sync("{\"single_asset\":\"single/never.png\"}", 200).path("result").asText())
                .isEqualTo("not_found");

        assertThat(sync("{\"single_asset\":\"x.png\",\"dry_run\":true}", 400).path("parameter").asText())
                .isEqualTo("dry_run");
        assertThat(sync("{\"single_asset\":\"x.png\",\"resource_type\":\"sound\"}", 400).path("parameter")
                .asText()).isEqualTo("resource_type");
        assertThat(sync("{\"single_asset\":\"\"}", 400).path("parameter").asText()).isEqualTo("single_asset");
    }
}
