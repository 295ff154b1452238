package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.testkit.FreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tombstones need proof that the whole source was read: a cut archive, a short download, a snapshot missing a share
 * of the store or a whole endpoint, and entries that are present but skipped must never remove stored documents.
 * Each test imports the full mini snapshot first, then the damaged source over it.
 */
class SourceCompletenessIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static SortedMap<DocumentId, Fixtures.Doc> docs;
    static String top;

    @TempDir
    Path tmp;

    SortedMap<DocumentId, String> fullStore;

    @BeforeAll
    static void readFixture() {
        docs = Fixtures.documents(Fixtures.mini0710());
        top = Fixtures.topFolder(Fixtures.mini0710());
    }

    @BeforeEach
    void importTheFullSnapshot() {
        Rows.reset(db.database());
        ImportReport full = Imports.archive(db.database(), Fixtures.mini0710());
        assertThat(full.failure()).isNull();
        fullStore = Rows.liveShas(db.database());
        assertThat(fullStore).hasSize(docs.size());
    }

    private void assertStoreUntouched() {
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources WHERE deleted_at IS NOT NULL"))
                .as("tombstones").isZero();
        assertThat(Rows.liveShas(db.database())).isEqualTo(fullStore);
    }

    // ---------------------------------------------------------------------------------------------------------
    // archives and downloads that simply stop

    /** Offsets of every tar header block, with the entry name, in archive order (the end marker excluded). */
    private record Header(long offset, String name) {}

    private static byte[] gunzip(Path tarGz) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarGz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static List<Header> headers(byte[] tar) {
        List<Header> out = new ArrayList<>();
        int off = 0;
        while (off + 512 <= tar.length) {
            boolean zero = true;
            for (int i = off; i < off + 512 && zero; i++) {
                zero = tar[i] == 0;
            }
            if (zero) {
                break;
            }
            String name = field(tar, off, 100);
            String prefix = field(tar, off + 345, 155); // why: ustar keeps long paths' folders in the prefix field
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = Long.parseLong(new String(tar, off + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            out.add(new Header(off, name));
            off += 512 + (int) ((size + 511) / 512 * 512);
        }
        return out;
    }

    private static String field(byte[] tar, int from, int length) {
        int end = from;
        while (end < from + length && tar[end] != 0) {
            end++;
        }
        return new String(tar, from, end - from, StandardCharsets.US_ASCII);
    }

    /** The mini snapshot's tar, cut {@code into} bytes past the header of a document entry a third of the way in. */
    private record Cut(byte[] tarGz, String lastEntryBefore) {}

    private static Cut cutAt(int into) {
        byte[] tar = gunzip(Fixtures.mini0710());
        List<Header> hs = headers(tar);
        int i = hs.size() / 3;
        while (Fixtures.documentId(hs.get(i).name()) == null) {
            i++;
        }
        long at = hs.get(i).offset() + into;
        return new Cut(gzip(Arrays.copyOf(tar, (int) at)), hs.get(i - 1).name());
    }

    /** A cut between two entries (0 bytes into the next header) and one inside a header (100 bytes into it). */
    @ParameterizedTest(name = "cut {0} bytes into an entry header")
    @ValueSource(ints = {0, 100})
    void archive_cut_at_an_entry_boundary_or_inside_a_header_fails_naming_the_last_entry_and_tombstones_nothing(int into)
            throws IOException {
        Cut cut = cutAt(into);
        Path archive = Files.write(tmp.resolve("cut-" + into + ".tar.gz"), cut.tarGz());

        ImportReport report = Imports.archive(db.database(), archive);

        assertThat(report.failure()).isInstanceOf(SourceException.class);
        assertThat(report.failure().getMessage()).contains(archive.toString()).contains("cut short")
                .contains("after entry '" + cut.lastEntryBefore() + "'");
        assertThat(report.failure().code().exitCode()).isNotZero();
        assertThat(report.total().removed()).isZero();
        assertStoreUntouched();
    }

    @Test
    void download_shorter_than_its_content_length_fails_and_tombstones_nothing() throws IOException {
        byte[] full = Fixtures.read(Fixtures.mini0710());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/snapshot.tar.gz", ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/gzip");
            ex.sendResponseHeaders(200, full.length);
            OutputStream out = ex.getResponseBody();
            out.write(full, 0, full.length * 2 / 3);
            out.flush();
            ex.getHttpContext().getServer().stop(0); // why: drops the connection with a third of the body unsent
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/snapshot.tar.gz");

            ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Url(url)));

            assertThat(report.failure()).isInstanceOf(SourceException.class);
            assertThat(report.failure().getMessage()).contains(url.toString());
            assertStoreUntouched();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void download_without_a_length_that_stops_between_entries_fails_and_tombstones_nothing() throws Exception {
        Cut cut = cutAt(0);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getInputStream().read(new byte[8192]);
                    OutputStream out = s.getOutputStream();
                    // why: HTTP/1.0-style body delimited by the connection closing; a valid gzip of a cut tar
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(cut.tarGz());
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            URI url = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/snapshot.tar.gz");

            ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Url(url)));

            serving.join();
            assertThat(report.failure()).isInstanceOf(SourceException.class);
            assertThat(report.failure().getMessage()).contains("cut short").contains(cut.lastEntryBefore());
            assertStoreUntouched();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // sources that end cleanly but hold much less than the store

    @Test
    void snapshot_missing_a_fifth_of_the_documents_is_refused_and_removed_only_with_allow_mass_removal() {
        List<DocumentId> dropped = new ArrayList<>();
        Path archive = Fixtures.copyWith(Fixtures.mini0710(), tmp.resolve("fifth.tar.gz"), list -> {
            int[] n = {0};
            list.removeIf(e -> {
                DocumentId id = e.isFile() ? Fixtures.documentId(e.name()) : null;
                if (id != null && !id.type().equals(DocumentId.META) && n[0]++ % 5 == 0) {
                    dropped.add(id);
                    return true;
                }
                return false;
            });
            return list;
        });

        ImportReport refused = Imports.archive(db.database(), archive);

        assertThat(refused.failure()).isNotNull();
        assertThat(refused.failure().code()).isEqualTo(PokepediaException.ErrorCode.BAD_SOURCE);
        assertThat(refused.failure().getMessage()).contains("Refused to remove " + dropped.size())
                .contains(dropped.size() + " of " + docs.size() + " stored documents").contains("list says");
        assertThat(refused.failure().hint()).contains("--allow-mass-removal");
        assertThat(refused.total().removed()).isZero();
        assertStoreUntouched();
        assertThat(Rows.endpoints(db.database())).isEqualTo(Fixtures.listCounts(Fixtures.mini0710()));

        ImportReport allowed = Imports.run(db.database(),
                ImportOptions.of(new SnapshotSource.Archive(archive)).withRemovalGuard(ImportOptions.DEFAULT_MAX_REMOVAL_SHARE, true));

        assertThat(allowed.failure()).isNull();
        assertThat(allowed.total().removed()).isEqualTo(dropped.size());
        assertThat(Rows.resources(db.database()).entrySet().stream().filter(e -> !e.getValue().live()).map(e -> e.getKey()))
                .containsExactlyInAnyOrderElementsOf(dropped);
    }

    @Test
    void snapshot_without_a_whole_endpoint_is_refused_even_below_the_share() {
        String endpoint = "contest-effect";
        long gone = docs.keySet().stream().filter(id -> id.type().equals(endpoint)).count();
        assertThat(gone).as("fixture precondition").isPositive().isLessThan((long) (docs.size() * ImportOptions.DEFAULT_MAX_REMOVAL_SHARE));
        Path archive = Fixtures.copyWith(Fixtures.mini0710(), tmp.resolve("no-endpoint.tar.gz"), list -> {
            list.removeIf(e -> e.name().contains("/data/api/v2/" + endpoint + "/"));
            return list;
        });

        ImportReport refused = Imports.archive(db.database(), archive);

        assertThat(refused.failure()).isNotNull();
        assertThat(refused.failure().getMessage()).contains("every stored '" + endpoint + "' document (" + gone + ")");
        assertStoreUntouched();

        ImportReport allowed = Imports.run(db.database(),
                ImportOptions.of(new SnapshotSource.Archive(archive)).withRemovalGuard(ImportOptions.DEFAULT_MAX_REMOVAL_SHARE, true));

        assertThat(allowed.failure()).isNull();
        assertThat(allowed.changes().get(endpoint).removed()).isEqualTo(gone);
        assertThat(Rows.endpoints(db.database())).doesNotContainKey(endpoint);
    }

    // ---------------------------------------------------------------------------------------------------------
    // entries that are present but skipped

    @Test
    void links_in_place_of_stored_documents_are_skipped_and_the_stored_documents_kept() {
        String pikachu = Fixtures.entryPath(Fixtures.mini0710(), "pokemon/25");
        DocumentId anAbility = docs.keySet().stream().filter(id -> id.type().equals("ability")).findFirst().orElseThrow();
        String ability = Fixtures.entryPath(Fixtures.mini0710(), "ability/" + anAbility.key());
        Path archive = Fixtures.copyWith(Fixtures.mini0710(), tmp.resolve("links.tar.gz"), list -> {
            list.replaceAll(e -> e.name().equals(pikachu) ? Fixtures.Entry.symlink(pikachu, "../../../../../etc/passwd")
                    : e.name().equals(ability) ? Fixtures.Entry.hardLink(ability, top + "/README.md") : e);
            return list;
        });

        ImportReport report = Imports.archive(db.database(), archive);

        assertThat(report.failure()).isNull();
        assertThat(report.problems()).extracting(Problem::where).containsExactlyInAnyOrder(pikachu, ability);
        assertThat(report.problems()).extracting(Problem::what).allSatisfy(w -> assertThat(w).contains("link"));
        assertThat(report.total().removed()).isZero();
        assertStoreUntouched();
    }

    @Test
    void oversized_document_in_a_folder_is_skipped_and_the_stored_one_kept() throws IOException {
        Path checkout = Fixtures.unpack(Fixtures.mini0710(), tmp.resolve("unpacked")).resolve(top);
        Path pikachu = checkout.resolve("data/api/v2/pokemon/25/index.json");
        try (RandomAccessFile f = new RandomAccessFile(pikachu.toFile(), "rw")) {
            f.setLength((64L << 20) + 1); // why: sparse, so the test costs no disk
        }

        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Folder(checkout)));

        assertThat(report.failure()).isNull();
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo(pikachu.toString());
            assertThat(p.what()).contains("over the").contains("limit");
        });
        assertStoreUntouched();
    }

    // ---------------------------------------------------------------------------------------------------------
    // documents that are not what their path says

    @Test
    void document_whose_own_id_differs_from_its_path_is_invalid_and_the_stored_one_kept() {
        DocumentId pikachu = new DocumentId("pokemon", "25");
        DocumentId other = docs.keySet().stream().filter(id -> id.type().equals("pokemon") && !id.equals(pikachu))
                .findFirst().orElseThrow();
        Path archive = Fixtures.withDocument(Fixtures.mini0710(), tmp.resolve("swapped.tar.gz"), "pokemon/25",
                docs.get(other).bytes());

        ImportReport report = Imports.archive(db.database(), archive);

        assertThat(report.failure()).isNotNull();
        assertThat(report.failure().code()).isEqualTo(PokepediaException.ErrorCode.INVALID_DOCUMENTS);
        assertThat(report.invalid()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo(Fixtures.entryPath(archive, "pokemon/25"));
            assertThat(p.what()).contains("own id is " + other.key()).contains("path says 25");
        });
        assertThat(report.changes().get("pokemon").invalid()).isEqualTo(1);
        assertStoreUntouched();
        assertThat(Rows.string(db.database(), "SELECT name FROM pokepedia_pokemon WHERE id = 25")).isEqualTo("pikachu");
    }

    @Test
    void document_with_a_byte_order_mark_is_refused_saying_so_and_the_stored_one_kept() {
        byte[] original = docs.get(new DocumentId("pokemon", "25")).bytes();
        byte[] withBom = new byte[original.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(original, 0, withBom, 3, original.length);
        Path archive = Fixtures.withDocument(Fixtures.mini0710(), tmp.resolve("bom.tar.gz"), "pokemon/25", withBom);

        ImportReport report = Imports.archive(db.database(), archive);

        assertThat(report.problems()).singleElement().satisfies(p -> assertThat(p.what()).contains("byte-order mark"));
        assertStoreUntouched();
    }
}
