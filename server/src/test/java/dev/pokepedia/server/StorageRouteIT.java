package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.testkit.FreshDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The storage route of the folder backend: content types, Range, ETag from SHA-256, caching, and no way out of the root. */
class StorageRouteIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static Path storage;
    static PokepediaServer server;
    static Http http;
    static final String CRY = "/storage/v1/object/public/pokedex-cries/cries/pokemon/latest/25.ogg";

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("storage-it");
        storage = dir.resolve("storage");
        var store = Mirror.load(db.database(), storage);
        Files.writeString(dir.resolve("secret.txt"), "outside the storage root");
        Files.createSymbolicLink(storage.resolve("pokedex-sprites").resolve("escape.png"), dir.resolve("secret.txt"));
        server = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)).objectStore(store).start();
        http = new Http(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] file(String rel) throws Exception {
        return Files.readAllBytes(storage.resolve(rel));
    }

    @Test
    void servesTheFileWithContentTypeStrongShaEtagAndLongCaching() throws Exception {
        byte[] expected = file("pokedex-cries/cries/pokemon/latest/25.ogg");
        HttpResponse<byte[]> r = http.get(CRY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(expected);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("audio/ogg");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
        assertThat(r.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
        assertThat(r.headers().firstValue("Cache-Control").orElse("")).contains("max-age=604800");
        assertThat(r.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(http.get(CRY, "If-None-Match", "\"" + sha + "\"").statusCode()).isEqualTo(304);
        HttpResponse<byte[]> svg = http.get("/storage/v1/object/public/pokedex-sprites/sprites/pokemon/other/dream-world/25.svg");
        assertThat(svg.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
        assertThat(svg.headers().firstValue("Content-Security-Policy").orElse("")).contains("sandbox");
    }

    @Test
    void answersRangeRequestsForSeeking() throws Exception {
        byte[] all = file("pokedex-cries/cries/pokemon/latest/25.ogg");
        HttpResponse<byte[]> part = http.get(CRY, "Range", "bytes=10-19");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(all, 10, 20));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 10-19/" + all.length);
        HttpResponse<byte[]> tail = http.get(CRY, "Range", "bytes=-5");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(all, all.length - 5, all.length));
        HttpResponse<byte[]> open = http.get(CRY, "Range", "bytes=" + (all.length - 3) + "-");
        assertThat(open.body()).hasSize(3);
        HttpResponse<byte[]> beyond = http.get(CRY, "Range", "bytes=" + all.length + "-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */" + all.length);
        // an If-Range naming an older version gets the whole new body
        assertThat(http.get(CRY, "Range", "bytes=0-1", "If-Range", "\"old\"").statusCode()).isEqualTo(200);
    }

    @Test
    void missingObjectsAre404() {
        assertThat(http.get("/storage/v1/object/public/pokedex-cries/cries/pokemon/latest/9999.ogg").statusCode()).isEqualTo(404);
        assertThat(http.get("/storage/v1/object/public/no-such-bucket/a.png").statusCode()).isEqualTo(404);
    }

    @Test
    void onlyTheMirrorsBucketsAreServedNotAnyFolderUnderTheRoot() throws Exception {
        Path other = Files.createDirectories(storage.resolve("backups"));
        Files.writeString(other.resolve("notes.json"), "{\"private\":true}");
        HttpResponse<byte[]> r = http.get("/storage/v1/object/public/backups/notes.json");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Http.text(r)).doesNotContain("private");
        assertThat(Http.json(r).path("detail").asText()).contains("No bucket 'backups'").contains("pokedex-sprites").contains("pokedex-cries");
        HttpResponse<byte[]> tmp = http.get("/storage/v1/object/public/pokedex-sprites/.uploads/x.tmp");
        assertThat(tmp.statusCode()).isBetween(400, 404);
    }

    @Test
    void configuredBucketsAreServedToo() throws Exception {
        Files.createDirectories(storage.resolve("extra-art"));
        Files.write(storage.resolve("extra-art").resolve("a.png"), file("pokedex-cries/cries/pokemon/latest/25.ogg"));
        try (PokepediaServer s = PokepediaServer.builder(db.database())
                .options(ServerOptions.defaults().withPort(0).withStorageBuckets(java.util.Set.of("pokedex-sprites", "extra-art")))
                .objectStore(Mirror.open(storage)).start()) {
            Http h = new Http(s.baseUri());
            assertThat(h.get("/storage/v1/object/public/extra-art/a.png").statusCode()).isEqualTo(200);
            assertThat(h.get(CRY).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void noPathLeavesTheStorageRoot() {
        String[] hostile = {
                "/storage/v1/object/public/pokedex-sprites/../../secret.txt",
                "/storage/v1/object/public/pokedex-sprites/%2e%2e/%2e%2e/secret.txt",
                "/storage/v1/object/public/pokedex-sprites/%2E%2E%2F%2E%2E%2Fsecret.txt",
                "/storage/v1/object/public/pokedex-sprites/..%2f..%2fsecret.txt",
                "/storage/v1/object/public/pokedex-sprites//etc/passwd",
                "/storage/v1/object/public/pokedex-sprites/%2fetc%2fpasswd",
                "/storage/v1/object/public/pokedex-sprites/..%5c..%5csecret.txt",
                "/storage/v1/object/public/..%2f/secret.txt",
                "/storage/v1/object/public/pokedex-sprites/escape.png",
                "/storage/v1/object/public/pokedex-sprites/sprites/%00.png",
        };
        for (String target : hostile) {
            String response = http.raw(target);
            int status = Http.rawStatus(response);
            assertThat(status).as(target).isBetween(400, 404);
            assertThat(response).as(target).doesNotContain("outside the storage root").doesNotContain("root:");
        }
    }
}
