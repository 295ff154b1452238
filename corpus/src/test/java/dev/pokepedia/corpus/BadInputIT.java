package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.testkit.FreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Broken, hostile and odd sources: what is reported, what is stored, and that nothing good is lost or tombstoned. */
class BadInputIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static SortedMap<DocumentId, Fixtures.Doc> docs;
    static String top;
    static HttpServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readFixture() throws IOException {
        docs = Fixtures.documents(Fixtures.mini0710());
        top = Fixtures.topFolder(Fixtures.mini0710());
        byte[] mini = Fixtures.read(Fixtures.mini0710());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/missing.tar.gz", ex -> respond(ex, 404, "text/plain", "Not Found".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/page.tar.gz", ex -> respond(ex, 200, "text/html; charset=utf-8",
                "<!DOCTYPE html><html><body>Sign in to download</body></html>".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/mini.tar.gz", ex -> respond(ex, 200, "application/gzip", mini));
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void emptyStore() {
        Rows.reset(db.database());
    }

    private static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static ImportReport importArchive(Path archive) {
        return Imports.archive(db.database(), archive);
    }

    private static void importCleanly(Path archive) {
        ImportReport report = importArchive(archive);
        assertThat(report.failure()).isNull();
        assertThat(report.problems()).isEmpty();
    }

    private static long tombstones() {
        return Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources WHERE deleted_at IS NOT NULL");
    }

    // ---------------------------------------------------------------------------------------------------------
    // (a) truncated archive

    private Path truncatedMini() throws IOException {
        byte[] full = Fixtures.read(Fixtures.mini0710());
        return Files.write(tmp.resolve("truncated.tar.gz"), Arrays.copyOf(full, full.length * 60 / 100));
    }

    @Test
    void truncated_archive_fails_naming_the_file_and_keeps_the_documents_read_before_the_cut() throws IOException {
        Path truncated = truncatedMini();

        ImportReport report = importArchive(truncated);

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        String message = report.failure().getMessage();
        assertThat(message).contains(truncated.toString()).contains("truncated");
        Matcher last = Pattern.compile("after entry '([^']+)'").matcher(message);
        assertThat(last.find()).as("message names the last good entry: %s", message).isTrue();
        // exactly the documents up to the last good entry, in archive order, are stored, each as in the archive
        List<DocumentId> beforeCut = new ArrayList<>();
        for (Fixtures.Entry e : Fixtures.entries(Fixtures.mini0710())) {
            DocumentId id = e.isFile() ? Fixtures.documentId(e.name()) : null;
            if (id != null) {
                beforeCut.add(id);
            }
            if (e.name().equals(last.group(1))) {
                break;
            }
        }
        SortedMap<DocumentId, String> stored = Rows.liveData(db.database());
        assertThat(stored).isNotEmpty().hasSizeLessThan(docs.size());
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(beforeCut);
        stored.forEach((id, json) -> assertThat(Fixtures.json(json)).as("%s", id).isEqualTo(docs.get(id).tree()));
        assertThat(Rows.row(db.database(), "SELECT status, error FROM pokepedia_import_runs WHERE id = ?", report.runId()))
                .containsEntry("status", "failed").containsEntry("error", message);
    }

    @Test
    void truncated_archive_tombstones_nothing_and_a_full_rerun_matches_a_clean_import() throws Exception {
        importCleanly(Fixtures.mini0606());
        long rowsBefore = Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources");

        ImportReport cut = importArchive(truncatedMini());

        assertThat(cut.failure()).isInstanceOf(SourceException.class);
        assertThat(cut.total().removed()).isZero();
        assertThat(tombstones()).as("an incomplete source must not tombstone what it did not reach").isZero();
        assertThat(Rows.resources(db.database()).get(new DocumentId("ability", "9")).live()).isTrue();
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources")).isGreaterThanOrEqualTo(rowsBefore);

        ImportReport rerun = importArchive(Fixtures.mini0710());

        assertThat(rerun.failure()).isNull();
        Imports.Clean clean = Imports.cleanImport(db, Fixtures.mini0710());
        assertThat(clean.report().failure()).isNull();
        assertThat(Rows.liveShas(db.database())).isEqualTo(clean.liveShas());
        assertThat(Rows.projectionDigests(db.database())).isEqualTo(clean.projectionDigests());
        assertThat(Rows.endpoints(db.database())).isEqualTo(clean.endpoints());
        assertThat(Rows.resources(db.database()).entrySet().stream().filter(e -> !e.getValue().live()).map(Map.Entry::getKey))
                .containsExactly(new DocumentId("ability", "9"));
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokepedia_projection_pending")).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // (b), (c) malformed documents

    enum Malformed {
        TRUNCATED_JSON {
            byte[] bytes(byte[] original) {
                return Arrays.copyOf(original, original.length / 2);
            }
        },
        TRAILING_GARBAGE {
            byte[] bytes(byte[] original) {
                return (new String(original, StandardCharsets.UTF_8) + "\n}garbage").getBytes(StandardCharsets.UTF_8);
            }
        },
        NUL_ESCAPE {
            byte[] bytes(byte[] original) {
                String s = new String(original, StandardCharsets.UTF_8);
                String out = s.replaceFirst("\"name\": \"pikachu\"", "\"name\": \"pika\\\\u0000chu\"");
                if (out.equals(s)) {
                    throw new IllegalStateException("fixture changed: no pikachu name to poison");
                }
                return out.getBytes(StandardCharsets.UTF_8);
            }
        },
        TOP_LEVEL_NUMBER {
            byte[] bytes(byte[] original) {
                return "25".getBytes(StandardCharsets.UTF_8);
            }
        },
        EMPTY_FILE {
            byte[] bytes(byte[] original) {
                return new byte[0];
            }
        },
        HTML_PAGE {
            byte[] bytes(byte[] original) {
                return "<!DOCTYPE html><html><body>rate limited</body></html>".getBytes(StandardCharsets.UTF_8);
            }
        },
        PNG_BYTES {
            byte[] bytes(byte[] original) {
                return new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
            }
        };

        abstract byte[] bytes(byte[] original);
    }

    @ParameterizedTest
    @EnumSource(Malformed.class)
    void malformed_document_is_reported_and_not_stored_while_the_rest_is(Malformed kind) {
        DocumentId pikachu = new DocumentId("pokemon", "25");
        Path archive = Fixtures.withDocument(Fixtures.mini0710(), tmp.resolve("bad.tar.gz"), "pokemon/25",
                kind.bytes(docs.get(pikachu).bytes()));

        ImportReport report = importArchive(archive);

        assertThat(report.failure()).isNull();
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo(Fixtures.entryPath(archive, "pokemon/25"));
            assertThat(p.what()).contains("malformed JSON");
        });
        assertThat(report.status()).isEqualTo("partial");
        Set<DocumentId> expected = new TreeSet<>(docs.keySet());
        expected.remove(pikachu);
        assertThat(Rows.liveShas(db.database()).keySet()).isEqualTo(expected);
        assertThat(Rows.resources(db.database())).doesNotContainKey(pikachu);
    }

    @Test
    void malformed_document_keeps_its_previously_stored_row_untombstoned() {
        importCleanly(Fixtures.mini0710());
        var before = Rows.resources(db.database());
        DocumentId pikachu = new DocumentId("pokemon", "25");
        Path archive = Fixtures.withDocument(Fixtures.mini0710(), tmp.resolve("bad.tar.gz"), "pokemon/25",
                Malformed.TRUNCATED_JSON.bytes(docs.get(pikachu).bytes()));

        ImportReport report = importArchive(archive);

        assertThat(report.problems()).extracting(Problem::where).containsExactly(Fixtures.entryPath(archive, "pokemon/25"));
        assertThat(report.total()).isEqualTo(new ChangeCounts(0, 0, docs.size() - 1, 0, 0));
        assertThat(Rows.resources(db.database())).isEqualTo(before);
    }

    @Test
    void non_json_file_at_a_document_path_is_reported_as_malformed_json_and_keeps_the_stored_row() {
        importCleanly(Fixtures.mini0710());
        var before = Rows.resources(db.database());
        Path archive = Fixtures.withDocument(Fixtures.mini0710(), tmp.resolve("png.tar.gz"), "type/10", Malformed.PNG_BYTES.bytes(null));

        ImportReport report = importArchive(archive);

        assertThat(report.failure()).isNull();
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo(Fixtures.entryPath(archive, "type/10"));
            assertThat(p.what()).contains("malformed JSON");
        });
        assertThat(Rows.resources(db.database())).isEqualTo(before);
        assertThat(Rows.projectionIds(db.database(), "pokepedia_types")).contains(10);
    }

    @Test
    void malformed_document_in_a_folder_source_is_reported_with_its_file_path() throws IOException {
        Path checkout = Fixtures.unpack(Fixtures.mini0710(), tmp.resolve("unpacked")).resolve(top);
        Path pikachu = checkout.resolve("data/api/v2/pokemon/25/index.json");
        Files.writeString(pikachu, "{\"id\": 25,");

        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Folder(checkout)));

        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(Path.of(p.where())).as("problem names the real file").isEqualTo(pikachu);
            assertThat(p.what()).contains("malformed JSON");
        });
        assertThat(Rows.liveShas(db.database())).hasSize(docs.size() - 1);
    }

    // ---------------------------------------------------------------------------------------------------------
    // (d) hostile entries

    @Test
    void hostile_archive_entries_are_skipped_with_a_problem_naming_them_and_nothing_is_written_outside() throws IOException {
        String marker = "pokepedia-escape-" + UUID.randomUUID();
        String dotDot = top + "/../../" + marker + "/data/api/v2/pokemon/9001/index.json";
        String absolute = "/tmp/" + marker + "/data/api/v2/pokemon/9002/index.json";
        String symlink = top + "/data/api/v2/pokemon/9003/index.json";
        String hardLink = top + "/data/api/v2/pokemon/9004/index.json";
        Path archive = Fixtures.copyWith(Fixtures.mini0710(), tmp.resolve("hostile.tar.gz"), list -> {
            list.add(Fixtures.Entry.file(dotDot, "{\"id\": 9001, \"name\": \"escapee\"}"));
            list.add(Fixtures.Entry.file(absolute, "{\"id\": 9002, \"name\": \"escapee\"}"));
            list.add(Fixtures.Entry.symlink(symlink, "/etc/passwd"));
            list.add(Fixtures.Entry.hardLink(hardLink, top + "/data/api/v2/pokemon/25/index.json"));
            return list;
        });

        ImportReport report = importArchive(archive);

        assertThat(report.failure()).isNull();
        Map<String, String> problems = report.problems().stream().collect(Collectors.toMap(Problem::where, Problem::what));
        assertThat(problems).containsOnlyKeys(dotDot, absolute, symlink, hardLink);
        assertThat(problems.get(dotDot)).startsWith("skipped").contains("..");
        assertThat(problems.get(absolute)).startsWith("skipped").contains("absolute");
        assertThat(problems.get(symlink)).startsWith("skipped").contains("link");
        assertThat(problems.get(hardLink)).startsWith("skipped").contains("link");
        assertThat(Rows.liveShas(db.database()).keySet()).isEqualTo(docs.keySet());
        for (Path base : List.of(archive.getParent(), Path.of("").toAbsolutePath(), Path.of("/"))) {
            assertThat(base.resolve(dotDot).normalize()).doesNotExist();
            assertThat(base.resolve(absolute.substring(1)).normalize()).doesNotExist();
        }
        assertThat(Path.of(absolute)).doesNotExist();
        assertThat(tmp.getParent().resolve(marker)).doesNotExist();
    }

    @Test
    void symbolic_links_in_a_folder_source_are_skipped_with_a_problem() throws IOException {
        Path checkout = Fixtures.unpack(Fixtures.mini0710(), tmp.resolve("unpacked")).resolve(top);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("index.json"), "{\"id\": 9003, \"name\": \"outsider\"}");
        Path fileLink = checkout.resolve("data/api/v2/pokemon/9003/index.json");
        Files.createDirectories(fileLink.getParent());
        Files.createSymbolicLink(fileLink, secret);
        Path dirLink = checkout.resolve("data/api/v2/pokemon/9005");
        Files.createSymbolicLink(dirLink, outside);

        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Folder(checkout)));

        assertThat(report.failure()).isNull();
        assertThat(report.problems()).extracting(Problem::what).allSatisfy(w -> assertThat(w).startsWith("skipped").contains("link"));
        assertThat(report.problems()).extracting(p -> Path.of(p.where()).toString())
                .anySatisfy(w -> assertThat(w).contains("9003"))
                .anySatisfy(w -> assertThat(w).contains("9005"));
        assertThat(Rows.liveShas(db.database()).keySet()).isEqualTo(docs.keySet());
    }

    // ---------------------------------------------------------------------------------------------------------
    // (e) unknown files inside data/api/v2

    @Test
    void unknown_files_inside_the_api_folder_are_reported_and_ignored() {
        String extraJson = top + "/data/api/v2/pokemon/25/extra/foo.json";
        String extraIndex = top + "/data/api/v2/pokemon/25/extra/index.json";
        String readme = top + "/data/api/v2/README.txt";
        Path archive = Fixtures.copyWith(Fixtures.mini0710(), tmp.resolve("unknown.tar.gz"), list -> {
            list.add(Fixtures.Entry.file(extraJson, "{\"id\": 25}"));
            list.add(Fixtures.Entry.file(extraIndex, "{\"id\": 25}"));
            list.add(Fixtures.Entry.file(readme, "Hello"));
            return list;
        });

        ImportReport report = importArchive(archive);

        assertThat(report.failure()).isNull();
        assertThat(report.problems()).extracting(Problem::where).containsExactlyInAnyOrder(extraJson, extraIndex, readme);
        assertThat(report.problems()).extracting(Problem::what).allSatisfy(w -> assertThat(w).startsWith("skipped"));
        assertThat(Rows.liveShas(db.database()).keySet()).isEqualTo(docs.keySet());
    }

    // ---------------------------------------------------------------------------------------------------------
    // (f), (g) sources that are no snapshot at all

    enum Empty {
        EMPTY_TAR, EMPTY_GZIP
    }

    @ParameterizedTest
    @EnumSource(Empty.class)
    void empty_archive_fails_as_empty_and_tombstones_nothing(Empty kind) throws IOException {
        importCleanly(Fixtures.mini0710());
        var before = Rows.resources(db.database());
        byte[] bytes = kind == Empty.EMPTY_TAR ? Fixtures.tarGz(List.of()) : gzip(new byte[0]);
        Path empty = Files.write(tmp.resolve("empty.tar.gz"), bytes);

        ImportReport report = importArchive(empty);

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        assertThat(report.failure().getMessage()).contains(empty.toString()).contains("empty");
        assertThat(report.failure().code()).isEqualTo(PokepediaException.ErrorCode.BAD_SOURCE);
        assertThat(Rows.resources(db.database())).isEqualTo(before);
    }

    @Test
    void archive_without_documents_fails_and_tombstones_nothing() throws IOException {
        importCleanly(Fixtures.mini0710());
        var before = Rows.resources(db.database());
        Path onlyReadme = Fixtures.writeTarGz(tmp.resolve("readme.tar.gz"),
                List.of(Fixtures.Entry.directory(top), Fixtures.Entry.file(top + "/README.md", "# nothing here")));

        ImportReport report = importArchive(onlyReadme);

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        assertThat(report.failure().getMessage()).contains("no PokeAPI documents");
        assertThat(Rows.resources(db.database())).isEqualTo(before);
    }

    enum NotGzip {
        TEXT, PLAIN_TAR, ZERO_BYTES
    }

    @ParameterizedTest
    @EnumSource(NotGzip.class)
    void file_that_is_not_gzip_fails_as_not_gzip(NotGzip kind) throws IOException {
        byte[] bytes = switch (kind) {
            case TEXT -> "this is not an archive\n".getBytes(StandardCharsets.UTF_8);
            case PLAIN_TAR -> gunzip(Fixtures.read(Fixtures.mini0710()));
            case ZERO_BYTES -> new byte[0];
        };
        Path file = Files.write(tmp.resolve("snapshot.tar.gz"), bytes);

        ImportReport report = importArchive(file);

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        // why: an empty file says so (issue 14); anything else that is not gzip says that
        assertThat(report.failure().getMessage()).contains(file.toString())
                .contains(kind == NotGzip.ZERO_BYTES ? "is empty (0 bytes)" : "not a gzip");
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources")).isZero();
    }

    @Test
    void missing_archive_file_fails_naming_it() {
        Path missing = tmp.resolve("no-such-snapshot.tar.gz");

        ImportReport report = importArchive(missing);

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        assertThat(report.failure().getMessage()).contains(missing.toString());
    }

    @Test
    void folder_without_pokeapi_data_fails_naming_it() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("not-a-checkout/a"));
        Files.createDirectories(tmp.resolve("not-a-checkout/b"));

        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Folder(folder.getParent())));

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        assertThat(report.failure().getMessage()).contains(folder.getParent().toString()).contains("No PokeAPI data");
    }

    // ---------------------------------------------------------------------------------------------------------
    // (h) URL sources

    @Test
    void url_answering_404_fails_naming_the_status() {
        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Url(url("/missing.tar.gz"))));

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        assertThat(report.failure().getMessage()).contains(url("/missing.tar.gz").toString()).contains("404");
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources")).isZero();
    }

    @Test
    void url_answering_an_html_page_fails_as_not_an_archive() {
        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Url(url("/page.tar.gz"))));

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        assertThat(report.failure().getMessage()).contains("text/html");
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources")).isZero();
    }

    @Test
    void url_failure_with_validation_is_the_same_source_error() {
        ImportOptions options = ImportOptions.of(new SnapshotSource.Url(url("/missing.tar.gz"))).withValidation(true, false);

        // why: with --validate the schemas are read before the run starts, so the error is thrown instead of reported
        ImportReport[] report = new ImportReport[1];
        Throwable thrown = catchThrowable(() -> report[0] = Imports.run(db.database(), options));
        Throwable failure = thrown != null ? thrown : report[0].failure();

        assertThat(failure).isInstanceOf(SourceException.class).hasMessageContaining("404");
    }

    @Test
    void url_source_imports_the_same_documents_as_the_archive() {
        importCleanly(Fixtures.mini0710());
        var fromArchive = Rows.liveShas(db.database());
        var projectionsFromArchive = Rows.projectionDigests(db.database());
        Rows.reset(db.database());

        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Url(url("/mini.tar.gz"))));

        assertThat(report.failure()).isNull();
        assertThat(report.problems()).isEmpty();
        assertThat(report.source()).isEqualTo(url("/mini.tar.gz").toString());
        assertThat(report.total().added()).isEqualTo(docs.size());
        assertThat(Rows.liveShas(db.database())).isEqualTo(fromArchive);
        assertThat(Rows.projectionDigests(db.database())).isEqualTo(projectionsFromArchive);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
