package dev.pokepedia.corpus.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pokepedia.core.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

/**
 * Turns a document's bytes into canonical JSON: minified, object keys sorted, so the SHA-256 only changes when the
 * content does (pretty-printing and key order of the source do not matter). Thread-safe.
 *
 * <p>Upstream already writes keys sorted, so the common case is one pass of {@link SortedJsonMinifier} over the bytes;
 * what it is unsure of streams tokens from Jackson's parser to its generator, checking the order; a document with
 * unsorted (or duplicate) keys falls back to building a tree and writing it sorted. All paths write numbers and
 * strings the same way, so they produce identical bytes.
 */
public final class Canonicalizer {

    /** A canonical document; the tree is built on demand (only lists and validation need it). */
    public static final class Canonical {
        private final ObjectMapper mapper;
        private final byte[] json;
        private final String sha256;
        private final String name;
        private final String ownId;
        private JsonNode tree;

        Canonical(ObjectMapper mapper, JsonNode tree, byte[] json, String name, String ownId) {
            this.mapper = mapper;
            this.tree = tree;
            this.json = json;
            this.sha256 = Canonicalizer.sha256(json);
            this.name = name;
            this.ownId = ownId;
        }

        public byte[] json() {
            return json;
        }

        public String sha256() {
            return sha256;
        }

        /** The top-level "name" string, or null. */
        public String name() {
            return name;
        }

        /** The top-level "id" (a number or string) as text, or null. */
        public String ownId() {
            return ownId;
        }

        /**
         * Why this document cannot be the one its path names, or null if it can: a numeric key must equal the
         * document's own {@code id}, a name key its {@code name} (when the document has one).
         */
        public String identityMismatch(dev.pokepedia.corpus.DocumentId id) {
            if (id.type().equals(dev.pokepedia.corpus.DocumentId.ENCOUNTERS) || id.type().equals(dev.pokepedia.corpus.DocumentId.META)) {
                return null; // why: encounters are an array, meta a singleton; neither carries its own key
            }
            boolean numericKey = id.key().matches("-?[0-9]+");
            if (numericKey && ownId != null && !ownId.equals(id.key())) {
                return "its own id is " + ownId + " but its path says " + id.key() + " (" + id + ")";
            }
            if (!numericKey && name != null && !name.equals(id.key())) {
                return "its own name is '" + name + "' but its path says '" + id.key() + "' (" + id + ")";
            }
            return null;
        }

        public JsonNode tree() {
            if (tree == null) {
                try {
                    tree = mapper.readTree(json);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return tree;
        }
    }

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final JsonFactory factory = mapper.getFactory();

    public Canonical canonicalize(byte[] raw) throws IOException {
        String bom = byteOrderMark(raw);
        if (bom != null) {
            // why: Jackson silently skips a BOM (and decodes UTF-16/32); refusing it everywhere keeps the import, the
            // crawler and the stored bytes consistent, and PokeAPI never writes one
            throw new IOException("starts with a " + bom + " byte-order mark; save the file as plain UTF-8 without it");
        }
        SortedJsonMinifier.Result minified = SortedJsonMinifier.minify(raw);
        Canonical fast = minified != null ? new Canonical(mapper, null, minified.json(), minified.name(), minified.ownId())
                : streamIfSorted(raw);
        Canonical c = fast != null ? fast : viaTree(raw);
        if (containsNulEscape(c.json())) {
            throw new IOException("contains the escape \\u0000, which PostgreSQL jsonb cannot store");
        }
        return c;
    }

    private Canonical viaTree(byte[] raw) throws IOException {
        JsonNode tree;
        try (JsonParser p = factory.createParser(raw)) {
            tree = mapper.readTree(p);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IOException("empty document");
        }
        if (!tree.isObject() && !tree.isArray()) {
            throw new IOException("top level is a " + tree.getNodeType().name().toLowerCase() + ", expected an object or array");
        }
        JsonNode name = tree.isObject() ? tree.get("name") : null;
        JsonNode id = tree.isObject() ? tree.get("id") : null;
        return new Canonical(mapper, tree, mapper.writeValueAsBytes(tree), name != null && name.isTextual() ? name.asText() : null,
                id != null && (id.isIntegralNumber() || id.isTextual()) ? id.asText() : null);
    }

    /**
     * Streams parser → generator while keys are strictly increasing; null as soon as they are not (or on any doubt).
     * The second path, for sorted documents {@link SortedJsonMinifier} is unsure of (and the reference it is tested
     * against).
     */
    Canonical streamIfSorted(byte[] raw) {
        ByteArrayBuilder out = new ByteArrayBuilder(raw.length / 2 + 64);
        String name = null;
        String ownId = null;
        try (JsonParser p = factory.createParser(raw); JsonGenerator g = factory.createGenerator(out)) {
            ArrayDeque<String> lastKey = new ArrayDeque<>();
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
                return null;
            }
            int depth = 0;
            boolean nameNext = false;
            boolean idNext = false;
            do {
                switch (t) {
                    case START_OBJECT -> {
                        g.writeStartObject();
                        lastKey.push("");
                        depth++;
                    }
                    case END_OBJECT -> {
                        g.writeEndObject();
                        lastKey.pop();
                        depth--;
                    }
                    case START_ARRAY -> {
                        g.writeStartArray();
                        lastKey.push("");
                        depth++;
                    }
                    case END_ARRAY -> {
                        g.writeEndArray();
                        lastKey.pop();
                        depth--;
                    }
                    case FIELD_NAME -> {
                        String k = p.currentName();
                        String prev = lastKey.pop();
                        if (!prev.isEmpty() && prev.compareTo(k) >= 0 || k.isEmpty()) {
                            return null; // unsorted, duplicate or empty key: let the tree path decide
                        }
                        lastKey.push(k);
                        g.writeFieldName(k);
                        nameNext = depth == 1 && k.equals("name");
                        idNext = depth == 1 && k.equals("id");
                        continue;
                    }
                    case VALUE_STRING -> {
                        String v = p.getText();
                        if (nameNext) {
                            name = v;
                        }
                        if (idNext) {
                            ownId = v;
                        }
                        g.writeString(v);
                    }
                    case VALUE_NUMBER_INT -> {
                        if (idNext) {
                            ownId = p.getText();
                        }
                        switch (p.getNumberType()) {
                            case INT -> g.writeNumber(p.getIntValue());
                            case LONG -> g.writeNumber(p.getLongValue());
                            default -> g.writeNumber(p.getBigIntegerValue());
                        }
                    }
                    case VALUE_NUMBER_FLOAT -> g.writeNumber(p.getDoubleValue());
                    case VALUE_TRUE -> g.writeBoolean(true);
                    case VALUE_FALSE -> g.writeBoolean(false);
                    case VALUE_NULL -> g.writeNull();
                    default -> {
                        return null;
                    }
                }
                nameNext = false;
                idNext = false;
            } while (depth > 0 && (t = p.nextToken()) != null);
            if (depth != 0 || p.nextToken() != null) {
                return null; // truncated or trailing content: the tree path produces the precise error
            }
        } catch (IOException e) {
            return null;
        }
        return new Canonical(mapper, null, out.toByteArray(), name, ownId);
    }

    private static String byteOrderMark(byte[] raw) {
        if (raw.length >= 3 && (raw[0] & 0xff) == 0xEF && (raw[1] & 0xff) == 0xBB && (raw[2] & 0xff) == 0xBF) {
            return "UTF-8 (EF BB BF)";
        }
        if (raw.length >= 2 && ((raw[0] & 0xff) == 0xFE && (raw[1] & 0xff) == 0xFF || (raw[0] & 0xff) == 0xFF && (raw[1] & 0xff) == 0xFE)) {
            return "UTF-16";
        }
        return null;
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
        return Sha256.hex(bytes);
    }
}
