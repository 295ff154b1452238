package dev.pokepedia.snapshotserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.corpus.SourceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources that cannot be served fail start with corpus's messages; a bad document is skipped, not fatal. */
class BadSourceIT {

    @TempDir
    Path tmp;

    private static final Path MINI = Minis.path(Minis.MINI_0710);

    /** Starting a server on {@code archive} fails with corpus's {@link SourceException}, whose message the caller checks. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertStartFails(Path archive) {
        return assertThatThrownBy(() -> SnapshotServer.start(new SnapshotSource.Archive(archive), ServerOptions.defaults()))
                .isInstanceOf(SourceException.class);
    }

    @Test
    void a_truncated_archive_fails_start_with_the_source_exception_message() throws IOException {
        byte[] whole = Files.readAllBytes(MINI);
        Path cut = Files.write(tmp.resolve("cut.tar.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertStartFails(cut).hasMessageContaining(cut.toString())
                .hasMessageContaining("is truncated or corrupt after entry");
    }

    @Test
    void a_file_that_is_not_gzip_fails_start_saying_so() throws IOException {
        Path html = Files.writeString(tmp.resolve("page.tar.gz"), "<html><body>Not Found</body></html>");
        assertStartFails(html).hasMessageContaining("is not a gzip-compressed tar archive");
    }

    @Test
    void an_archive_without_api_documents_fails_start() throws IOException {
        Path readmeOnly = tmp.resolve("readme.tar.gz");
        Files.write(readmeOnly, tarGz(new String[] {"api-data/README.md"}, new byte[][] {"# hi".getBytes(StandardCharsets.UTF_8)}));
        assertStartFails(readmeOnly).hasMessageContaining("holds no api-data documents");
    }

    @Test
    void a_malformed_document_is_skipped_and_listed_while_the_rest_is_served() throws IOException {
        Path broken = tmp.resolve("broken.tar.gz");
        rewriteEntry(MINI, broken, "/data/api/v2/pokemon/25/index.json", "{\"name\": \"pikachu\",".getBytes(StandardCharsets.UTF_8));
        try (SnapshotServer server = SnapshotServer.start(new SnapshotSource.Archive(broken), ServerOptions.defaults())) {
            assertThat(server.problems()).singleElement().asString()
                    .contains("data/api/v2/pokemon/25/index.json").contains("not JSON");
            assertThat(Http.get(server.apiRoot().resolve("pokemon/25/")).statusCode()).isEqualTo(404);
            assertThat(Http.get(server.apiRoot().resolve("pokemon/26/")).statusCode()).isEqualTo(200);
            assertThat(server.documentCount()).isEqualTo(Minis.read(MINI).documents().size() - 1);
        }
    }

    @Test
    void an_unpacked_folder_serves_the_same_documents_as_its_archive() throws IOException {
        unpack(MINI, tmp);
        Minis.Snapshot snapshot = Minis.read(MINI);
        try (SnapshotServer server = SnapshotServer.start(new SnapshotSource.Folder(tmp), ServerOptions.defaults())) {
            String base = server.baseUri().toString().replaceAll("/$", "");
            assertThat(server.documentCount()).isEqualTo(snapshot.documents().size());
            assertThat(Http.json(Http.get(server.apiRoot().resolve("pokemon/25/"))))
                    .isEqualTo(Minis.absolute(snapshot.documents().get("pokemon/25"), base));
            assertThat(Http.json(Http.get(server.apiRoot()))).isEqualTo(Minis.absolute(snapshot.root(), base));
        }
    }

    @Test
    void a_port_in_use_fails_start_with_a_configuration_error_before_loading() {
        try (SnapshotServer first = SnapshotServer.start(new SnapshotSource.Archive(MINI), ServerOptions.defaults())) {
            Path missing = tmp.resolve("never-read.tar.gz");
            assertThatThrownBy(() -> SnapshotServer.start(new SnapshotSource.Archive(missing), ServerOptions.defaults().withPort(first.port())))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("Cannot listen on 127.0.0.1:" + first.port());
        }
    }

    // ------------------------------------------------------------------------------------------------------

    private static byte[] tarGz(String[] names, byte[][] contents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < names.length; i++) {
                TarArchiveEntry e = new TarArchiveEntry(names[i]);
                e.setSize(contents[i].length);
                tar.putArchiveEntry(e);
                tar.write(contents[i]);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Copies an archive, replacing the file entry whose name ends with {@code suffix}. */
    private static void rewriteEntry(Path source, Path target, String suffix, byte[] replacement) throws IOException {
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<byte[]> contents = new java.util.ArrayList<>();
        try (InputStream in = Files.newInputStream(source); TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    names.add(e.getName());
                    contents.add(e.getName().endsWith(suffix) ? replacement : tar.readAllBytes());
                }
            }
        }
        assertThat(names).anyMatch(n -> n.endsWith(suffix));
        Files.write(target, tarGz(names.toArray(String[]::new), contents.toArray(byte[][]::new)));
    }

    private static void unpack(Path tarGz, Path dir) throws IOException {
        try (InputStream in = Files.newInputStream(tarGz); TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path p = dir.resolve(e.getName()).normalize();
                assertThat(p.startsWith(dir)).as("entry stays inside the folder: " + e.getName()).isTrue();
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                } else if (e.isFile()) {
                    Files.createDirectories(p.getParent());
                    Files.write(p, tar.readAllBytes());
                }
            }
        }
    }
}
