package dev.pokepedia.corpus.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns a document's bytes into canonical JSON: minified, object keys sorted, so the SHA-256 only changes when the
 * content does (pretty-printing and key order of the source do not matter). Thread-safe.
 */
public final class Canonicalizer {

    /** A canonical document. */
    public record Canonical(JsonNode tree, byte[] json, String sha256) {}

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public Canonical canonicalize(byte[] raw) throws IOException {
        JsonNode tree;
        try (JsonParser p = mapper.getFactory().createParser(raw)) {
            tree = mapper.readTree(p);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IOException("empty document");
        }
        if (!tree.isObject() && !tree.isArray()) {
            throw new IOException("top level is a " + tree.getNodeType().name().toLowerCase() + ", expected an object or array");
        }
        byte[] json = mapper.writeValueAsBytes(tree);
        if (containsNulEscape(json)) {
            throw new IOException("contains the escape \\u0000, which PostgreSQL jsonb cannot store");
        }
        return new Canonical(tree, json, sha256(json));
    }

    private static boolean containsNulEscape(byte[] json) {
        for (int i = 0; i + 5 < json.length; i++) {
            if (json[i] == '\\' && json[i + 1] == 'u' && json[i + 2] == '0' && json[i + 3] == '0' && json[i + 4] == '0'
                    && json[i + 5] == '0') {
                // why: an escaped backslash followed by "u0000" is text, not NUL
                int slashes = 0;
                for (int j = i; j >= 0 && json[j] == '\\'; j--) {
                    slashes++;
                }
                if (slashes % 2 == 1) {
                    return true;
                }
            }
        }
        return false;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
