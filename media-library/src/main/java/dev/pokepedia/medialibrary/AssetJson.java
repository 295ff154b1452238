package dev.pokepedia.medialibrary;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * The JSON form of a catalog row, as the HTTP API and the admin page show it. One place renders it, so the memory copy
 * of the catalog can keep each row's bytes and a listing only concatenates them.
 */
public final class AssetJson {

    private static final JsonFactory JSON = new JsonFactory();

    private AssetJson() {}

    /** The row as a JSON object, UTF-8. */
    public static byte[] render(CatalogAsset a) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("id", a.id());
            g.writeStringField("provider", a.provider());
            g.writeStringField("cloud", a.cloud());
            g.writeStringField("public_id", a.ref().publicId());
            g.writeStringField("resource_type", a.ref().type().wire());
            g.writeStringField("format", a.format());
            number(g, "bytes", a.bytes());
            g.writeStringField("folder", a.folder());
            g.writeStringField("display_name", a.displayName());
            g.writeArrayFieldStart("tags");
            for (String t : a.tags()) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("context");
            for (Map.Entry<String, String> e : a.context().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            number(g, "version", a.version());
            g.writeStringField("etag", a.etag());
            g.writeStringField("sync_status", a.syncStatus());
            g.writeStringField("last_error", a.lastError());
            instant(g, "last_synced_at", a.lastSyncedAt());
            instant(g, "deleted_at", a.deletedAt());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering catalog asset " + a.id(), e); // why unchecked: memory never fails to write
        }
        return out.toByteArray();
    }

    private static void number(JsonGenerator g, String field, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }

    private static void instant(JsonGenerator g, String field, Instant value) throws IOException {
        g.writeStringField(field, value == null ? null : value.toString());
    }
}
