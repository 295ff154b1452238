package dev.pokepedia.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * One streaming pass over a stored document: every API reference (a string starting with {@code /api/v2/}) becomes
 * an absolute URL of this server, and every media URL whose object is stored becomes its public storage URL.
 * Everything else is copied as is (key order, numbers' exact text, texts).
 */
public final class DocumentRenderer {

    private static final String API_PREFIX = "/api/v2/";
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final String apiBase;
    private final String mediaBase;

    /**
     * @param apiBase   scheme://host[:port] of this server, no trailing slash
     * @param mediaBase base of public storage URLs, or null to leave media URLs alone
     */
    public DocumentRenderer(String apiBase, String mediaBase) {
        this.apiBase = apiBase;
        this.mediaBase = mediaBase == null ? null : stripSlash(mediaBase);
    }

    public String apiBase() {
        return apiBase;
    }

    /** Absolute URL of an {@code /api/v2/…} path on this server. */
    public String api(String apiPath) {
        return apiBase + apiPath;
    }

    /** The public URL of a stored object, or null when media links are not rewritten. */
    public String mediaUrl(String bucket, String path) {
        return mediaBase == null ? null : mediaBase + "/storage/v1/object/public/" + bucket + "/" + path;
    }

    public String mediaBase() {
        return mediaBase;
    }

    /** @param stored the objects this document references that the mirror holds */
    public byte[] render(String json, Set<MediaPaths.ObjectKey> stored) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length() + json.length() / 8);
        try (JsonParser p = FACTORY.createParser(json); JsonGenerator g = FACTORY.createGenerator(out)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> g.writeFieldName(p.currentName());
                    case VALUE_STRING -> g.writeString(rewrite(p.getText(), stored));
                    // why: the number's own text, so 1.50 stays 1.50 and big integers are not re-formatted
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                    default -> g.copyCurrentEvent(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("stored document is not valid JSON", e);
        }
        return out.toByteArray();
    }

    private String rewrite(String s, Set<MediaPaths.ObjectKey> stored) {
        if (s.startsWith(API_PREFIX)) {
            return apiBase + s;
        }
        if (mediaBase != null && !stored.isEmpty() && s.startsWith(MediaPaths.UPSTREAM_PREFIX)) {
            MediaPaths.ObjectKey key = MediaPaths.of(s);
            if (key != null && stored.contains(key)) {
                return mediaUrl(key.bucket(), key.path());
            }
        }
        return s;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
