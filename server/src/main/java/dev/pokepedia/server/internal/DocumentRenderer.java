package dev.pokepedia.server.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/**
 * Renders a stored document: every API reference (a string starting with {@code /api/v2/}) becomes
 * an absolute URL of this server, and every media URL whose object is stored becomes its public storage URL.
 * Everything else is copied as is (numbers' exact text, texts); keys come out sorted.
 */
public final class DocumentRenderer {

    private static final String API_PREFIX = "/api/v2/";
    // why: decimals as BigDecimal with their scale kept, so numbers come out as stored (1.50 stays 1.50)
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .build();
    private static final ObjectReader READER = MAPPER.reader();
    private static final ObjectWriter WRITER = MAPPER.writer();

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

    /**
     * @param stored the objects this document references that the mirror holds
     * @return the document minified with keys sorted (jsonb does not keep key order; the snapshot files and upstream
     *         have sorted keys, so sorting restores their exact text apart from the rewritten URLs)
     */
    public byte[] render(String json, Set<MediaPaths.ObjectKey> stored) {
        try {
            JsonNode tree = READER.readTree(json);
            return WRITER.writeValueAsBytes(rewriteTree(tree, stored));
        } catch (IOException e) {
            throw new UncheckedIOException("stored document is not valid JSON", e);
        }
    }

    private JsonNode rewriteTree(JsonNode node, Set<MediaPaths.ObjectKey> stored) {
        if (node instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                JsonNode v = e.getValue();
                if (v.isTextual()) {
                    String r = rewrite(v.textValue(), stored);
                    if (!r.equals(v.textValue())) {
                        e.setValue(TextNode.valueOf(r));
                    }
                } else if (v.isContainerNode()) {
                    rewriteTree(v, stored);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isTextual()) {
                    a.set(i, TextNode.valueOf(rewrite(v.textValue(), stored)));
                } else if (v.isContainerNode()) {
                    rewriteTree(v, stored);
                }
            }
        }
        return node;
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
