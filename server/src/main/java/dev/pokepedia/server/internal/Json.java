package dev.pokepedia.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** The one Jackson mapper of the server (thread-safe once configured). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass(), e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code {"detail": …}} plus {@code "parameter"} when one is at fault: upstream's error shape, extended. */
    public static byte[] error(String detail, String parameter) {
        ObjectNode n = object().put("detail", detail);
        if (parameter != null) {
            n.put("parameter", parameter);
        }
        return bytes(n);
    }

    /**
     * The same JSON without insignificant whitespace, keys in their order. Postgres's {@code json_build_object} writes
     * {@code "id" : 1}; every other answer of the server is compact, so the Pokédex rows are written again.
     */
    public static String compact(String json) {
        if (json == null) {
            return null;
        }
        java.io.StringWriter out = new java.io.StringWriter(json.length());
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(json);
             com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            while (p.nextToken() != null) {
                g.copyCurrentEvent(p);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the database returned malformed JSON", e);
        }
        return out.toString();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
