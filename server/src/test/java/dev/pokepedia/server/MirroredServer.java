package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.testkit.OnFreshDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh database with the test mirror (documents and stored media, in a temporary folder) loaded into it, and a
 * server on port 0 over it, for the read-API tests: started before the class's tests, stopped and dropped after
 * them. {@link #snapshot()} holds the source documents to compare answers with.
 */
final class MirroredServer extends OnFreshDatabase {

    private final String name;
    private String base;
    private Http http;
    private Map<String, JsonNode> snapshot;

    MirroredServer(String name) {
        this.name = name;
    }

    @Override
    protected PokepediaServer open(Database database) throws Exception {
        snapshot = Snapshot.documents(Mirror.CORPUS);
        Path storage = Files.createTempDirectory(name + "-storage");
        ObjectStore store = Mirror.load(database, storage);
        PokepediaServer server = PokepediaServer.builder(database).options(ServerOptions.defaults().withPort(0)).objectStore(store).start();
        http = new Http(server.baseUri());
        base = server.baseUri().toString();
        return server;
    }

    Http http() {
        return http;
    }

    /** The server's base URL as documents and list links carry it. */
    String base() {
        return base;
    }

    Map<String, JsonNode> snapshot() {
        return snapshot;
    }

    /** A GET of {@code path} is a 400 that names {@code parameter}, in its {@code parameter} field and in its detail. */
    void assertBadParameter(String path, String parameter) {
        HttpResponse<byte[]> r = http.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        JsonNode body = Http.json(r);
        assertThat(body.path("parameter").asText()).as(path).isEqualTo(parameter);
        assertThat(body.path("detail").asText()).as(path).contains(parameter);
    }
}
