package dev.pokepedia.corpus.internal;

import dev.pokepedia.core.CountingInputStream;
import dev.pokepedia.corpus.SnapshotPath;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.corpus.SourceException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Streams the entries of a snapshot source, in source order, without unpacking anything to disk. Hostile entries
 * (absolute paths, {@code ..}, links) are reported to the sink and never read; a broken archive raises a
 * {@link SourceException} naming the source and the last good entry.
 */
public final class SnapshotReader {

    /** Receives entries; may block (back-pressure). */
    public interface Sink {
        void entry(String path, SnapshotPath kind, byte[] bytes) throws InterruptedException;

        void problem(String path, String reason);

        /**
         * A document entry that was present but not read (a link, over the size limit, unreadable). The importer
         * counts it as seen, so the stored version of that document is never tombstoned on its account.
         */
        default void skipped(String path, SnapshotPath kind, String reason) {
            problem(path, reason);
        }
    }

    /** Which entries to read at all; the rest are skipped without decompressing into memory. */
    public interface Filter {
        boolean wants(SnapshotPath kind);
    }

    private static final long MAX_DOCUMENT_BYTES = 64L << 20;

    private final HttpClient http;
    private final AtomicLong bytesRead = new AtomicLong();
    private volatile long bytesTotal = -1;

    public SnapshotReader(HttpClient http) {
        this.http = http;
    }

    /** Compressed (or, for folders, file) bytes consumed so far. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Total to consume, or -1 when unknown (a URL without Content-Length). */
    public long bytesTotal() {
        return bytesTotal;
    }

    public void read(SnapshotSource source, Filter filter, Sink sink) throws InterruptedException {
        switch (source) {
            case SnapshotSource.Folder f -> readFolder(f.path(), filter, sink);
            case SnapshotSource.Archive a -> {
                try (InputStream in = Files.newInputStream(a.path())) {
                    bytesTotal = Files.size(a.path());
                    readArchive(a.describe(), in, filter, sink);
                } catch (IOException e) {
                    throw new SourceException("Cannot read " + a.describe() + ": " + e.getMessage(), "Check the file exists and is readable", e);
                }
            }
            case SnapshotSource.Url u -> readUrl(u, filter, sink);
        }
    }

    private void readUrl(SnapshotSource.Url u, Filter filter, Sink sink) throws InterruptedException {
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(HttpRequest.newBuilder(u.uri()).timeout(Duration.ofMinutes(2))
                    .header("User-Agent", "pokepedia-sync (+https://github.com/pokepedia)").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new SourceException("Cannot download " + u.describe() + ": " + e, "Check the URL and your network, or pass a local --source", e);
        }
        try (InputStream body = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new SourceException(u.describe() + " answered HTTP " + resp.statusCode() + ", not the archive",
                        "Check the URL; it must point at a .tar.gz of a PokeAPI/api-data tree", null);
            }
            String type = resp.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("text/html") || type.startsWith("application/json")) {
                throw new SourceException(u.describe() + " answered " + type + " instead of a .tar.gz",
                        "The URL serves a web page; use the archive's download URL", null);
            }
            bytesTotal = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            readArchive(u.describe(), body, filter, sink);
        } catch (IOException e) {
            throw new SourceException("Download of " + u.describe() + " failed: " + e, "Rerun; nothing partial is kept", e);
        }
    }

    void readArchive(String name, InputStream raw, Filter filter, Sink sink) throws InterruptedException {
        String lastEntry = "(none)";
        int documents = 0;
        InputStream counted = new BufferedInputStream(new CountingInputStream(raw, bytesRead), 1 << 16);
        GZIPInputStream gz;
        try {
            gz = new GZIPInputStream(counted, 1 << 16);
        } catch (ZipException | EOFException e) {
            throw new SourceException(e instanceof EOFException && bytesRead.get() == 0 ? name + " is empty (0 bytes)" : name + " is not a gzip-compressed tar archive (" + (e.getMessage() != null ? e.getMessage() : "it ends after " + bytesRead.get() + " bytes") + ")",
                    "Give a .tar.gz (as GitHub's 'Download archive' serves it), a folder, or a URL", e);
        } catch (IOException e) {
            throw new SourceException("Cannot read " + name + ": " + e.getMessage(), "", e);
        }
        try (EndMarkedTar tar = new EndMarkedTar(gz)) {
            TarArchiveEntry e;
            int entries = 0;
            String current = null;
            while ((e = tar.getNextEntry()) != null) {
                // why: an entry counts as read once the next header was found after it; errors name the last one read
                if (current != null) {
                    lastEntry = current;
                }
                entries++;
                String path = e.getName();
                current = path;
                if (e.isDirectory()) {
                    continue;
                }
                String hostile = SnapshotPath.hostility(path);
                if (hostile != null) {
                    sink.problem(path, "skipped: " + hostile);
                    continue;
                }
                SnapshotPath kind = SnapshotPath.classify(path);
                if (e.isSymbolicLink() || e.isLink()) {
                    sink.skipped(path, kind, "skipped: a link (to '" + e.getLinkName() + "'); snapshots hold plain files only");
                    continue;
                }
                if (!e.isFile()) {
                    sink.skipped(path, kind, "skipped: not a regular file");
                    continue;
                }
                if (kind instanceof SnapshotPath.Unknown u) {
                    if (!path.endsWith("README.md") && !path.contains("/.")) {
                        sink.problem(path, "skipped: " + u.reason());
                    }
                    continue;
                }
                if (!filter.wants(kind)) {
                    continue;
                }
                if (e.getSize() > MAX_DOCUMENT_BYTES) {
                    sink.skipped(path, kind, "skipped: " + e.getSize() + " bytes is over the " + MAX_DOCUMENT_BYTES + "-byte document limit");
                    continue;
                }
                byte[] bytes = tar.readNBytes((int) e.getSize());
                if (bytes.length != e.getSize()) {
                    throw new EOFException("entry cut short");
                }
                sink.entry(path, kind, bytes);
                documents++;
            }
            if (entries == 0) {
                throw new SourceException(name + " is an empty archive", "Check that the download or file is complete", null);
            }
            if (current != null) {
                lastEntry = current;
            }
            if (!tar.sawEndMarker()) {
                // why: a stream that simply stops (a cut download, a half-copied file re-compressed) reads like a
                // smaller snapshot; only the end-of-archive blocks prove that nothing after the last entry is missing
                throw new SourceException(name + " was cut short: it ends after entry '" + lastEntry + "' (" + documents
                        + " documents read) without the tar end-of-archive marker",
                        "Download or copy the archive again; nothing was removed, and rerunning keeps everything already stored", null);
            }
            // why: reading to the end of the gzip member checks its CRC and length trailer too
            gz.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new SourceException(name + " is truncated or corrupt after entry '" + lastEntry + "' (" + documents + " documents read): "
                    + e.getMessage(), "Download the archive again; nothing was removed, and rerunning keeps everything already stored", e);
        }
    }

    /** A tar stream that remembers whether it reached the end-of-archive (all-zero) header block. */
    private static final class EndMarkedTar extends TarArchiveInputStream {
        private boolean endMarker;

        EndMarkedTar(InputStream in) {
            super(in);
        }

        @Override
        protected boolean isEOFRecord(byte[] record) {
            boolean eof = super.isEOFRecord(record);
            // why: commons-compress also reports a missing (null) or short header as "end"; only a real zero block counts
            if (eof && record != null) {
                endMarker = true;
            }
            return eof;
        }

        boolean sawEndMarker() {
            return endMarker;
        }
    }

    private void readFolder(Path dir, Filter filter, Sink sink) throws InterruptedException {
        Path root = findApiRoot(dir);
        bytesTotal = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            // why: a sorted walk makes runs and their reports deterministic
            files = walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
            throw new SourceException("Cannot list " + root + ": " + e.getMessage(), "Check permissions", e);
        }
        for (Path f : files) {
            try {
                bytesTotal += Files.size(f);
            } catch (IOException ignored) {
                // counted as 0; the read below reports the real problem
            }
        }
        for (Path f : files) {
            String rel = root.relativize(f).toString().replace('\\', '/');
            String shown = f.toString();
            String hostile = SnapshotPath.hostility(rel);
            SnapshotPath kind = hostile != null ? new SnapshotPath.Unknown(hostile) : SnapshotPath.classifyApi(rel);
            if (Files.isSymbolicLink(f)) {
                sink.skipped(shown, kind, "skipped: a symbolic link; snapshots hold plain files only");
                continue;
            }
            if (kind instanceof SnapshotPath.Unknown u) {
                sink.problem(shown, "skipped: " + u.reason());
                continue;
            }
            if (!filter.wants(kind)) {
                continue;
            }
            try {
                long size = Files.size(f);
                if (size > MAX_DOCUMENT_BYTES) {
                    sink.skipped(shown, kind, "skipped: " + size + " bytes is over the " + MAX_DOCUMENT_BYTES + "-byte document limit");
                    continue;
                }
                byte[] bytes = Files.readAllBytes(f);
                bytesRead.addAndGet(bytes.length);
                sink.entry(shown, kind, bytes);
            } catch (IOException e) {
                sink.skipped(shown, kind, "skipped: unreadable: " + e.getMessage());
            }
        }
        Path schemas = root.resolve("../../schema/v2").normalize();
        if (filter.wants(new SnapshotPath.Schema("/schema/v2/")) && Files.isDirectory(schemas)) {
            readSchemas(schemas, sink);
        }
    }

    private void readSchemas(Path schemas, Sink sink) throws InterruptedException {
        try (Stream<Path> walk = Files.walk(schemas)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = schemas.relativize(f).toString().replace('\\', '/');
                sink.entry(f.toString(), new SnapshotPath.Schema("/schema/v2/" + rel), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            sink.problem(schemas.toString(), "schemas unreadable: " + e.getMessage());
        }
    }

    /** Accepts an api-data checkout, its {@code data/api/v2}, or an unpacked archive with one top folder. */
    static Path findApiRoot(Path dir) {
        for (Path candidate : new Path[] {dir.resolve("data/api/v2"), dir, dir.resolve("api/v2")}) {
            if (Files.isRegularFile(candidate.resolve("index.json")) || Files.isDirectory(candidate.resolve("pokemon"))) {
                return candidate;
            }
        }
        try (Stream<Path> kids = Files.list(dir)) {
            List<Path> sub = kids.filter(Files::isDirectory).toList();
            if (sub.size() == 1 && Files.isDirectory(sub.get(0).resolve("data/api/v2"))) {
                return sub.get(0).resolve("data/api/v2");
            }
        } catch (IOException ignored) {
            // fall through to the error below
        }
        throw new SourceException("No PokeAPI data found in folder " + dir + " (looked for data/api/v2/index.json)",
                "Point --source at a PokeAPI/api-data checkout, its data/api/v2 folder, or a .tar.gz of it", null);
    }
}
