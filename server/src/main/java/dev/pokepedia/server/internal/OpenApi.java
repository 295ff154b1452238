package dev.pokepedia.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code /openapi.json}: the OpenAPI 3.1 document of the public REST API, with this server as its server URL. */
public final class OpenApi {

    static final String RESOURCE = "/pokepedia/openapi.json";

    private final Representation document;

    public OpenApi(String base) {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            JsonNode doc = Json.MAPPER.readTree(in);
            ObjectNode server = Json.object().put("url", base).put("description", "this server");
            ((ObjectNode) doc).putArray("servers").add(server);
            this.document = Representation.json(Json.bytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void serve(Context ctx) {
        Responder.send(ctx, document, "public, max-age=3600");
    }
}
