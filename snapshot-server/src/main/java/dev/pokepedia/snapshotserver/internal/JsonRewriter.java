package dev.pokepedia.snapshotserver.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * One streaming pass over a document: minifies it and turns every relative API reference (a string value starting
 * with {@code /api/v2/}) into an absolute URL of this server, as upstream PokeAPI serves them. Everything else is
 * copied as is: key order, numbers (their exact text), media URLs, texts. Non-ASCII characters come out as UTF-8
 * (the snapshot files use {@code \\u} escapes; PokeAPI's responses do not).
 */
public final class JsonRewriter {

    public static final String API_PREFIX = "/api/v2/";
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** The rewritten bytes and the document's top-level {@code "name"} (null if it has none). */
    public record Result(byte[] bytes, String name) {}

    private final String base;

    /** @param base scheme://host[:port] without a trailing slash, e.g. {@code http://127.0.0.1:8080} */
    public JsonRewriter(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    /** An absolute URL of this server for an {@code /api/v2/...} path. */
    public String absolute(String apiPath) {
        return base + apiPath;
    }

    /** @throws IOException if the bytes are not one well-formed JSON value */
    public Result rewrite(byte[] json) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, json.length / 2));
        String name = null;
        try (JsonParser p = FACTORY.createParser(json); JsonGenerator g = FACTORY.createGenerator(out)) {
            int depth = 0;
            boolean roots = false;
            String field = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (depth == 0 && roots) {
                    throw new IOException("more than one JSON value");
                }
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        depth++;
                        g.copyCurrentEvent(p);
                    }
                    case END_OBJECT, END_ARRAY -> {
                        depth--;
                        g.copyCurrentEvent(p);
                    }
                    case FIELD_NAME -> {
                        field = p.currentName();
                        g.writeFieldName(field);
                    }
                    case VALUE_STRING -> {
                        String s = p.getText();
                        if (depth == 1 && name == null && "name".equals(field) && p.getParsingContext().inObject()) {
                            name = s;
                        }
                        g.writeString(s.startsWith(API_PREFIX) ? base + s : s);
                    }
                    // why: the number's own text, so 1.50 stays 1.50 and big integers are not re-formatted
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                    default -> g.copyCurrentEvent(p);
                }
                if (depth == 0) {
                    roots = true;
                }
            }
            if (!roots) {
                throw new IOException("no JSON value");
            }
        }
        return new Result(out.toByteArray(), name);
    }
}
