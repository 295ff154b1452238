package dev.pokepedia.corpus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.corpus.Fixtures;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path must give Jackson's bytes, name and id whenever it answers at all: checked against Jackson's streaming
 * path on real documents, on generated ones, and on real ones damaged at random.
 */
class SortedJsonMinifierTest {

    private final Canonicalizer jackson = new Canonicalizer();

    /** The contract: an answer equals Jackson's; returns whether there was one. */
    private boolean agreesWithJackson(byte[] raw) {
        SortedJsonMinifier.Result fast = SortedJsonMinifier.minify(raw);
        if (fast == null) {
            return false;
        }
        Canonicalizer.Canonical reference = jackson.streamIfSorted(raw);
        String input = new String(raw, StandardCharsets.UTF_8);
        assertThat(reference).as("Jackson refuses what the fast path accepted: %s", abbreviate(input)).isNotNull();
        assertThat(new String(fast.json(), StandardCharsets.UTF_8)).as("%s", abbreviate(input))
                .isEqualTo(new String(reference.json(), StandardCharsets.UTF_8));
        assertThat(fast.json()).isEqualTo(reference.json());
        assertThat(fast.name()).as("name of %s", abbreviate(input)).isEqualTo(reference.name());
        assertThat(fast.ownId()).as("id of %s", abbreviate(input)).isEqualTo(reference.ownId());
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    @Test
    void every_fixture_document_takes_the_fast_path_with_jacksons_bytes() {
        for (String fixture : List.of(Fixtures.MINI_0606, Fixtures.MINI_0710)) {
            var docs = Fixtures.documents(Fixtures.mini(fixture));
            long fast = docs.values().stream().filter(d -> agreesWithJackson(d.bytes())).count();
            assertThat(fast).as(fixture).isEqualTo(docs.size());
        }
    }

    @Test
    void every_document_of_the_full_snapshot_gives_jacksons_bytes() throws Exception {
        Path full = Path.of("../../shared/data/pokeapi/api-data-2026-07-10.tar.gz");
        Assumptions.assumeTrue(Files.exists(full), "the full snapshot is in ../shared (not in every checkout)");
        int documents = 0;
        int fast = 0;
        try (InputStream in = Files.newInputStream(full);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile() && e.getName().endsWith("index.json")) {
                    documents++;
                    fast += agreesWithJackson(tar.readAllBytes()) ? 1 : 0;
                }
            }
        }
        assertThat(documents).isGreaterThan(15_000);
        assertThat(fast).as("documents on the fast path").isEqualTo(documents);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":\"\\u00e9\\u0001\\u001f\\u007f\\u2028\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
        "{\"id\":-12,\"name\":\"x\"}", "{\"id\":\"ab\",\"name\":7}", "{\"id\":1.0}", "{\"id\":1e2}",
        "[1.5e-7, -0.0, 0.1, 123456789012345678901234567890, 1E+2, 2.50]", "{\"a\":{\"b\":{}},\"c\":[[],[{}]]}",
        "  {\"a\" :\t[ true ,false, null ]}\n", "{\"\u0020\":2,\"\u007f\":1}", "{\"name\":\"pok\u00e9mon\"}",
    })
    void unusual_but_valid_documents_give_jacksons_bytes(String json) {
        assertThat(agreesWithJackson(json.getBytes(StandardCharsets.UTF_8))).as("took the fast path").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":2}", "{\"\":1}", "{\"a\":-0}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
        "{\"a\":1e999}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ude00x\"}", "{\"a\":\"\\x\"}", "{\"a\":\"tab\there\"}",
        "{\"a\":tru}", "{\"a\":1,}", "[1,]", "{\"a\":1} x", "{\"a\":1", "\"a\"", "", "{\"\\u0061\":1}", "{\"é\":1}",
        "{\"name\":\"a\\nb\"}",
    })
    void documents_it_is_unsure_of_are_left_to_jackson(String json) {
        assertThat(SortedJsonMinifier.minify(json.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void malformed_utf8_and_overlong_forms_are_left_to_jackson() {
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xC3}, new byte[] {(byte) 0x80})) {
            byte[] doc = new byte[bad.length + 9];
            System.arraycopy("{\"a\":\"".getBytes(StandardCharsets.US_ASCII), 0, doc, 0, 6);
            System.arraycopy(bad, 0, doc, 6, bad.length);
            System.arraycopy("\"}".getBytes(StandardCharsets.US_ASCII), 0, doc, 6 + bad.length, 2);
            doc = Arrays.copyOf(doc, 8 + bad.length);
            assertThat(SortedJsonMinifier.minify(doc)).as(Arrays.toString(bad)).isNull();
        }
    }

    @Test
    void generated_documents_give_jacksons_bytes() {
        Random r = new Random(7);
        int fast = 0;
        for (int n = 0; n < 5_000; n++) {
            StringBuilder sb = new StringBuilder();
            object(r, sb, 0, true);
            fast += agreesWithJackson(sb.toString().getBytes(StandardCharsets.UTF_8)) ? 1 : 0;
        }
        assertThat(fast).as("generated documents on the fast path").isGreaterThan(4_000);
    }

    private static final byte[] SYNTAX = "\\\"{}[],:0-e. \u00e9".getBytes(StandardCharsets.UTF_8);

    @Test
    void damaged_real_documents_are_either_refused_or_given_jacksons_bytes() {
        Random r = new Random(13);
        var docs = List.copyOf(Fixtures.documents(Fixtures.mini0710()).values());
        for (int n = 0; n < 20_000; n++) {
            byte[] raw = docs.get(r.nextInt(docs.size())).bytes().clone();
            int at = r.nextInt(raw.length);
            switch (r.nextInt(3)) {
                case 0 -> raw = Arrays.copyOf(raw, at); // truncated
                case 1 -> raw[at] = (byte) r.nextInt(256); // one byte changed
                default -> raw[at] = SYNTAX[r.nextInt(SYNTAX.length)];
            }
            agreesWithJackson(raw);
        }
    }

    // --- a generator of sorted documents with every kind of value, spacing and escape ---

    private static void object(Random r, StringBuilder sb, int depth, boolean top) {
        sb.append('{').append(space(r));
        List<String> keys = r.ints(r.nextInt(depth > 3 ? 2 : 6), 0, 40).distinct().sorted()
                .mapToObj(k -> k < 3 ? List.of("id", "name", "url").get(k) : "k" + (char) ('a' + k % 26) + k)
                .sorted().toList();
        for (int k = 0; k < keys.size(); k++) {
            if (k > 0) {
                sb.append(',').append(space(r));
            }
            sb.append('"').append(keys.get(k)).append('"').append(space(r)).append(':').append(space(r));
            value(r, sb, depth + 1);
        }
        sb.append(space(r)).append('}');
    }

    private static void value(Random r, StringBuilder sb, int depth) {
        switch (r.nextInt(depth > 4 ? 5 : 7)) {
            case 0 -> sb.append(List.of("true", "false", "null").get(r.nextInt(3)));
            case 1 -> sb.append(number(r));
            case 2, 3, 4 -> string(r, sb);
            case 5 -> object(r, sb, depth, false);
            default -> {
                sb.append('[');
                int n = r.nextInt(4);
                for (int k = 0; k < n; k++) {
                    if (k > 0) {
                        sb.append(',').append(space(r));
                    }
                    value(r, sb, depth + 1);
                }
                sb.append(']');
            }
        }
    }

    private static String number(Random r) {
        return switch (r.nextInt(7)) {
            case 0 -> Integer.toString(r.nextInt());
            case 1 -> Long.toString(r.nextLong());
            case 2 -> "1234567890123456789012" + r.nextInt(10);
            case 3 -> Double.toString(r.nextDouble() * 1000);
            case 4 -> r.nextInt(100) + "." + r.nextInt(1000) + "e" + (r.nextBoolean() ? "-" : "+") + r.nextInt(30);
            case 5 -> "0." + "0".repeat(r.nextInt(8)) + (1 + r.nextInt(9));
            default -> Integer.toString(r.nextInt(10));
        };
    }

    private static void string(Random r, StringBuilder sb) {
        sb.append('"');
        int n = r.nextInt(12);
        for (int k = 0; k < n; k++) {
            switch (r.nextInt(9)) {
                case 0 -> sb.append(List.of("\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t").get(r.nextInt(8)));
                case 1 -> sb.append(String.format("\\u%04x", r.nextInt(0x80)));
                case 2 -> sb.append(String.format(r.nextBoolean() ? "\\u%04X" : "\\u%04x", 0x80 + r.nextInt(0xD800 - 0x80)));
                case 3 -> sb.append("\\ud83d\\ude").append(Integer.toHexString(0x10 + r.nextInt(0xef)));
                case 4 -> sb.append((char) (0xA0 + r.nextInt(0x3000)));
                case 5 -> sb.appendCodePoint(0x1F300 + r.nextInt(0x200));
                default -> {
                    char c = (char) (0x20 + r.nextInt(0x5f));
                    sb.append(c == '"' || c == '\\' ? 'q' : c);
                }
            }
        }
        sb.append('"');
    }

    private static String space(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> " ";
            case 1 -> "\n    ";
            default -> "";
        };
    }
}
