package dev.pokepedia.snapshotserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pokepedia.testkit.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The corpus module's mini fixtures, read straight from the tar with commons-compress and a path pattern written
 * down here, so expectations come from the data and not from the code under test.
 */
final class Minis {

    static final String MINI_0710 = "api-data-mini-2026-07-10.tar.gz";
    static final String MINI_0606 = "api-data-mini-2026-06-06.tar.gz";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API_ENTRY = Pattern.compile("^[^/]+/data/api/v2/(?:(.*)/)?index\\.json$");

    private Minis() {
    }

    static Path path(String name) {
        Path p = SharedData.repoRoot().resolve("corpus/src/test/resources/fixtures/" + name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("fixture " + p + " is missing");
        }
        return p;
    }

    /**
     * What a snapshot holds, keyed by the path under {@code data/api/v2} without {@code /index.json}: {@code ""} is the
     * root index, {@code "pokemon"} a list (or {@code "meta"}), {@code "pokemon/25"} a document,
     * {@code "pokemon/25/encounters"} an encounters document.
     */
    record Snapshot(Map<String, JsonNode> entries) {

        JsonNode root() {
            return entries.get("");
        }

        /** Endpoint → its list document (meta is not a list). */
        Map<String, JsonNode> lists() {
            Map<String, JsonNode> out = new TreeMap<>();
            entries.forEach((k, v) -> {
                if (!k.isEmpty() && !k.contains("/") && v.has("results")) {
                    out.put(k, v);
                }
            });
            return out;
        }

        /** Every document: {@code endpoint/id}, {@code pokemon/id/encounters} and {@code meta}. */
        Map<String, JsonNode> documents() {
            Map<String, JsonNode> out = new TreeMap<>();
            entries.forEach((k, v) -> {
                if (k.contains("/") || k.equals("meta")) {
                    out.put(k, v);
                }
            });
            return out;
        }
    }

    static Snapshot read(Path tarGz) {
        Map<String, JsonNode> out = new TreeMap<>();
        try (InputStream in = Files.newInputStream(tarGz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Matcher m = API_ENTRY.matcher(e.getName());
                if (e.isFile() && m.matches()) {
                    out.put(m.group(1) == null ? "" : m.group(1), JSON.readTree(tar.readAllBytes()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Snapshot(out);
    }

    /** A copy of a tree with every string starting with {@code /api/v2/} prefixed by {@code base} (no trailing slash). */
    static JsonNode absolute(JsonNode node, String base) {
        if (node.isTextual() && node.asText().startsWith("/api/v2/")) {
            return TextNode.valueOf(base + node.asText());
        }
        if (node instanceof ObjectNode o) {
            ObjectNode copy = JSON.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                var f = it.next();
                copy.set(f.getKey(), absolute(f.getValue(), base));
            }
            return copy;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode copy = JSON.createArrayNode();
            a.forEach(n -> copy.add(absolute(n, base)));
            return copy;
        }
        return node;
    }

    static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
