package dev.pokepedia.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** The fixture snapshot read straight from its tar, so expectations come from the data, not from the code under test. */
final class Snapshot {

    private Snapshot() {
    }

    /** {@code data/api/v2/<rel>/index.json} documents by {@code <rel>} (e.g. {@code pokemon/25}, {@code pokemon}). */
    static Map<String, JsonNode> documents(Path tarGz) {
        Map<String, JsonNode> out = new TreeMap<>();
        try (InputStream in = Files.newInputStream(tarGz); TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName();
                int at = name.indexOf("/data/api/v2/");
                if (e.isFile() && at >= 0 && name.endsWith("/index.json") && name.length() > at + "/data/api/v2/index.json".length()) {
                    String rel = name.substring(at + "/data/api/v2/".length(), name.length() - "/index.json".length());
                    out.put(rel, Http.JSON.readTree(tar.readAllBytes()));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out;
    }
}
