package dev.pokepedia.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The mini fixture archives, and what they hold read straight from the tar with commons-compress, so tests derive
 * their expectations from the data rather than from the code under test. Also builds modified and hostile archives.
 */
public final class Fixtures {

    public static final String MINI_0606 = "api-data-mini-2026-06-06.tar.gz";
    public static final String MINI_0710 = "api-data-mini-2026-07-10.tar.gz";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code <top>/data/api/v2/<rest>/index.json}: the layout, written down independently of SnapshotPath. */
    private static final Pattern API_ENTRY = Pattern.compile("^[^/]+/data/api/v2/(?:(.*)/)?index\\.json$");
    private static final Pattern ENCOUNTERS = Pattern.compile("^pokemon/([^/]+)/encounters$");
    private static final Pattern RESOURCE = Pattern.compile("^([^/]+)/([^/]+)$");

    private Fixtures() {
    }

    /** A fixture archive from the test classpath. */
    public static Path mini(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalStateException("fixture /fixtures/" + name + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path mini0606() {
        return mini(MINI_0606);
    }

    public static Path mini0710() {
        return mini(MINI_0710);
    }

    // ---------------------------------------------------------------------------------------------------------
    // What an archive holds

    /** One tar entry: a file (bytes), a directory, or a symbolic / hard link (linkTarget). */
    public record Entry(String name, byte[] bytes, byte linkFlag, String linkTarget) {

        public static Entry file(String name, byte[] bytes) {
            return new Entry(name, bytes, TarConstants.LF_NORMAL, null);
        }

        public static Entry file(String name, String text) {
            return file(name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public static Entry directory(String name) {
            return new Entry(name.endsWith("/") ? name : name + "/", null, TarConstants.LF_DIR, null);
        }

        public static Entry symlink(String name, String target) {
            return new Entry(name, null, TarConstants.LF_SYMLINK, target);
        }

        public static Entry hardLink(String name, String target) {
            return new Entry(name, null, TarConstants.LF_LINK, target);
        }

        public boolean isFile() {
            return linkFlag == TarConstants.LF_NORMAL;
        }
    }

    /** A document of an archive: its entry path, raw bytes and parsed tree. */
    public record Doc(String path, byte[] bytes, JsonNode tree) {}

    /** All entries of a .tar.gz, in archive order. */
    public static List<Entry> entries(Path tarGz) {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(tarGz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    out.add(Entry.directory(e.getName()));
                } else if (e.isSymbolicLink()) {
                    out.add(Entry.symlink(e.getName(), e.getLinkName()));
                } else if (e.isLink()) {
                    out.add(Entry.hardLink(e.getName(), e.getLinkName()));
                } else {
                    out.add(Entry.file(e.getName(), tar.readAllBytes()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The document an entry path holds, from the api-data layout, or null for list documents, the root index, schemas, …. */
    public static DocumentId documentId(String entryPath) {
        Matcher m = API_ENTRY.matcher(entryPath);
        if (!m.matches() || m.group(1) == null) {
            return null;
        }
        String rel = m.group(1);
        if (rel.equals("meta")) {
            return new DocumentId("meta", "meta");
        }
        Matcher enc = ENCOUNTERS.matcher(rel);
        if (enc.matches()) {
            return new DocumentId("pokemon-encounters", enc.group(1));
        }
        Matcher res = RESOURCE.matcher(rel);
        return res.matches() ? new DocumentId(res.group(1), res.group(2)) : null;
    }

    /** The endpoint whose list document an entry path is, or null. */
    public static String listEndpoint(String entryPath) {
        Matcher m = API_ENTRY.matcher(entryPath);
        if (!m.matches() || m.group(1) == null || m.group(1).contains("/") || m.group(1).equals("meta")) {
            return null;
        }
        return m.group(1);
    }

    /** The stored documents of an archive, parsed. */
    public static SortedMap<DocumentId, Doc> documents(Path tarGz) {
        return documents(entries(tarGz));
    }

    public static SortedMap<DocumentId, Doc> documents(List<Entry> entries) {
        SortedMap<DocumentId, Doc> out = new TreeMap<>();
        for (Entry e : entries) {
            DocumentId id = e.isFile() ? documentId(e.name()) : null;
            if (id != null) {
                out.put(id, new Doc(e.name(), e.bytes(), json(e.bytes())));
            }
        }
        return out;
    }

    /** Only the ids of the documents of an archive (for big archives: nothing is parsed or kept). */
    public static Set<DocumentId> documentIds(Path tarGz) {
        Set<DocumentId> out = new HashSet<>();
        try (InputStream in = Files.newInputStream(tarGz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                DocumentId id = e.isFile() ? documentId(e.getName()) : null;
                if (id != null) {
                    out.add(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Endpoint → the {@code count} its list document states. */
    public static SortedMap<String, Integer> listCounts(Path tarGz) {
        SortedMap<String, Integer> out = new TreeMap<>();
        for (Entry e : entries(tarGz)) {
            String endpoint = e.isFile() ? listEndpoint(e.name()) : null;
            if (endpoint != null) {
                out.put(endpoint, json(e.bytes()).get("count").intValue());
            }
        }
        return out;
    }

    /** Documents per resource type. */
    public static SortedMap<String, Long> countsByType(Map<DocumentId, ?> docs) {
        SortedMap<String, Long> out = new TreeMap<>();
        docs.keySet().forEach(id -> out.merge(id.type(), 1L, Long::sum));
        return out;
    }

    /** The name of the archive's one top folder. */
    public static String topFolder(Path tarGz) {
        String first = entries(tarGz).get(0).name();
        return first.substring(0, first.indexOf('/'));
    }

    /**
     * What importing {@code after} over {@code before} must report per resource type, from comparing the parsed
     * documents (tree equality, so formatting and key order do not count as a change).
     */
    public static SortedMap<String, ChangeCounts> expectedChanges(Map<DocumentId, Doc> before, Map<DocumentId, Doc> after) {
        Map<String, long[]> acc = new TreeMap<>();
        for (var e : after.entrySet()) {
            long[] c = acc.computeIfAbsent(e.getKey().type(), t -> new long[4]);
            Doc old = before.get(e.getKey());
            if (old == null) {
                c[0]++;
            } else if (!old.tree().equals(e.getValue().tree())) {
                c[1]++;
            } else {
                c[2]++;
            }
        }
        for (DocumentId id : before.keySet()) {
            if (!after.containsKey(id)) {
                acc.computeIfAbsent(id.type(), t -> new long[4])[3]++;
            }
        }
        SortedMap<String, ChangeCounts> out = new TreeMap<>();
        acc.forEach((t, c) -> out.put(t, new ChangeCounts(c[0], c[1], c[2], c[3], 0)));
        return out;
    }

    /** Ids whose documents differ between two archives (added, removed or changed content). */
    public static Set<DocumentId> differing(Map<DocumentId, Doc> before, Map<DocumentId, Doc> after) {
        Set<DocumentId> out = new HashSet<>();
        after.forEach((id, d) -> {
            Doc old = before.get(id);
            if (old == null || !old.tree().equals(d.tree())) {
                out.add(id);
            }
        });
        before.keySet().stream().filter(id -> !after.containsKey(id)).forEach(out::add);
        return out;
    }

    public static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Building archives

    /** Writes entries as a .tar.gz; names are kept as given (absolute paths and '..' included). */
    public static Path writeTarGz(Path target, List<Entry> entries) {
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(tarGz(entries));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    public static byte[] tarGz(List<Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry te = new TarArchiveEntry(e.name(), e.linkFlag(), true);
                if (e.linkTarget() != null) {
                    te.setLinkName(e.linkTarget());
                }
                if (e.isFile()) {
                    te.setSize(e.bytes().length);
                }
                tar.putArchiveEntry(te);
                if (e.isFile()) {
                    tar.write(e.bytes());
                }
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A copy of an archive with its entry list edited. */
    public static Path copyWith(Path source, Path target, UnaryOperator<List<Entry>> edit) {
        return writeTarGz(target, edit.apply(new ArrayList<>(entries(source))));
    }

    /** A copy of an archive with the document at {@code apiPath} (relative to data/api/v2, e.g. "pokemon/25") replaced. */
    public static Path withDocument(Path source, Path target, String apiPath, byte[] replacement) {
        String suffix = "/data/api/v2/" + apiPath + "/index.json";
        boolean[] found = {false};
        Path out = copyWith(source, target, list -> {
            list.replaceAll(e -> {
                if (e.isFile() && e.name().endsWith(suffix)) {
                    found[0] = true;
                    return Entry.file(e.name(), replacement);
                }
                return e;
            });
            return list;
        });
        if (!found[0]) {
            throw new IllegalArgumentException(source + " has no " + suffix);
        }
        return out;
    }

    /** The entry path of a document inside an archive, e.g. {@code api-data-mini-2026-07-10/data/api/v2/pokemon/25/index.json}. */
    public static String entryPath(Path tarGz, String apiPath) {
        return topFolder(tarGz) + "/data/api/v2/" + apiPath + "/index.json";
    }

    /** Unpacks a .tar.gz (plain files and directories only) into {@code dir}. */
    public static Path unpack(Path tarGz, Path dir) {
        try {
            for (Entry e : entries(tarGz)) {
                Path p = dir.resolve(e.name()).normalize();
                if (!p.startsWith(dir)) {
                    throw new IllegalArgumentException("fixture entry escapes the folder: " + e.name());
                }
                if (e.linkFlag() == TarConstants.LF_DIR) {
                    Files.createDirectories(p);
                } else if (e.isFile()) {
                    Files.createDirectories(p.getParent());
                    Files.write(p, e.bytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Raw bytes of a file, as a helper for truncation tests. */
    public static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
