package dev.pokepedia.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.media.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The test mirror (documents and stored media, in a temporary folder) loaded into a database, and a server on port 0
 * over it, for the read-API tests; {@code snapshot} holds the source documents to compare answers with.
 */
record MirroredServer(Path storage, ObjectStore store, PokepediaServer server, Http http, String base,
                      Map<String, JsonNode> snapshot) implements AutoCloseable {

    static MirroredServer start(Database db, String name) throws Exception {
        Path storage = Files.createTempDirectory(name + "-storage");
        ObjectStore store = Mirror.load(db, storage);
        PokepediaServer server = PokepediaServer.builder(db).options(ServerOptions.defaults().withPort(0)).objectStore(store).start();
        return new MirroredServer(storage, store, server, new Http(server.baseUri()), server.baseUri().toString(),
                Snapshot.documents(Mirror.CORPUS));
    }

    @Override
    public void close() {
        server.close();
    }
}
