package dev.pokepedia.corpus.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Turns the absolute API references of a served document ({@code https://pokeapi.co/api/v2/type/13/}) back into the
 * relative form the snapshots store ({@code /api/v2/type/13/}), so a crawled document hashes exactly like the same
 * document imported from a snapshot, whichever server it was crawled from.
 */
public final class Rebaser {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Rebaser() {
    }

    /** @param base scheme://host[:port] of the server the document came from, without a trailing slash */
    public static byte[] toRelative(byte[] json, String base) throws IOException {
        String prefix = base + "/api/v2/";
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
        try (JsonParser p = FACTORY.createParser(json); JsonGenerator g = FACTORY.createGenerator(out)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING) {
                    String v = p.getText();
                    g.writeString(v.startsWith(prefix) ? v.substring(base.length()) : v);
                } else {
                    g.copyCurrentEvent(p);
                }
            }
        }
        return out.toByteArray();
    }
}
