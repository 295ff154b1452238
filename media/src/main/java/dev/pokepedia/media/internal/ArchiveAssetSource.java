package dev.pokepedia.media.internal;

import dev.pokepedia.core.CountingInputStream;
import dev.pokepedia.corpus.SourceException;
import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Assets from a {@code .tar.gz}/{@code .tgz} of a repository-layout tree, read once as a stream (any top folders,
 * e.g. {@code package/} of the npm package or {@code cries-2024-01-24/}). Entries with {@code ..}, absolute paths,
 * links or over the size limit are never used; wanted assets the archive lacks are reported missing at the end.
 */
public final class ArchiveAssetSource implements AssetSource {

    private final Path archive;
    private final int concurrency;
    private final long maxBytes;
    private final AtomicLong read = new AtomicLong();
    private volatile long size = -1;

    public ArchiveAssetSource(Path archive, int concurrency, long maxBytes) {
        this.archive = archive;
        this.concurrency = concurrency;
        this.maxBytes = maxBytes;
    }

    @Override
    public String describe() {
        return archive.toString();
    }

    @Override
    public boolean cheapToReread() {
        return true;
    }

    @Override
    public double readFraction() {
        long total = size;
        return total > 0 ? Math.min(1.0, (double) read.get() / total) : -1;
    }

    @Override
    public void prepare() {
        requireContent();
    }

    /** Fails with what is wrong when the file is empty (a failed download, a full disk) rather than with a gzip error. */
    private void requireContent() {
        long bytes;
        try {
            bytes = Files.size(archive);
        } catch (IOException e) {
            throw new SourceException("Cannot read " + archive + ": " + e.getMessage(), "Check the file exists and is readable", e);
        }
        if (bytes == 0) {
            throw new SourceException(archive + " is empty (0 bytes)",
                    "Fetch the archive again (a .tar.gz/.tgz of the sprites or cries repository layout), or give a folder or URL", null);
        }
    }

    @Override
    public void deliver(Collection<Asset> wanted, AssetSink sink) throws InterruptedException {
        requireContent();
        Map<String, Asset> byPath = new HashMap<>();
        wanted.forEach(a -> byPath.put(a.path(), a));
        Semaphore permits = new Semaphore(concurrency);
        String last = "(none)";
        read.set(0);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             InputStream raw = new CountingInputStream(Files.newInputStream(archive), read);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16))) {
            size = Files.size(archive);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Asset a = match(e.getName(), byPath);
                if (a == null) {
                    continue;
                }
                if (!e.isFile() || e.isSymbolicLink() || e.isLink()) {
                    byPath.remove(a.path());
                    sink.failed(a, archive + ": entry '" + e.getName() + "' is a link or not a regular file; not used");
                    continue;
                }
                byPath.remove(a.path());
                if (e.getSize() > maxBytes) {
                    sink.failed(a, archive + ": entry '" + e.getName() + "' is " + e.getSize() + " bytes, over the " + maxBytes + "-byte limit");
                    continue;
                }
                byte[] bytes = tar.readNBytes((int) e.getSize());
                if (bytes.length != e.getSize()) {
                    throw new IOException("entry '" + e.getName() + "' is cut short");
                }
                last = e.getName();
                permits.acquire();
                pool.execute(() -> {
                    try {
                        sink.found(a, bytes);
                    } finally {
                        permits.release();
                    }
                });
            }
        } catch (java.util.zip.ZipException ex) {
            if ("(none)".equals(last) && String.valueOf(ex.getMessage()).contains("GZIP")) { // why: the header check failed
                throw new SourceException(archive + " is not a gzip-compressed tar archive (" + ex.getMessage() + ")",
                        "Give a .tar.gz/.tgz of the sprites or cries repository layout, a folder, or an http(s) URL", ex);
            }
            throw new SourceException(archive + " is truncated or corrupt after entry '" + last + "': " + ex.getMessage(),
                    "Fetch the archive again; assets stored so far are kept and skipped on the rerun", ex);
        } catch (IOException ex) {
            throw new SourceException(archive + " is truncated or corrupt after entry '" + last + "': " + ex.getMessage(),
                    "Fetch the archive again; assets stored so far are kept and skipped on the rerun", ex);
        }
        for (Asset a : byPath.values()) {
            sink.missing(a, "absent from " + archive);
        }
    }

    /** The wanted asset an entry holds, trying the entry path without 0–3 leading folders; hostile paths never match. */
    static Asset match(String name, Map<String, Asset> byPath) {
        if (name.startsWith("/") || name.contains("\\")) {
            return null;
        }
        String[] seg = name.split("/");
        for (String s : seg) {
            if (s.equals("..") || s.equals(".")) {
                return null;
            }
        }
        String p = name;
        for (int i = 0; i <= 3 && p != null; i++) {
            Asset a = byPath.get(p);
            if (a != null) {
                return a;
            }
            int slash = p.indexOf('/');
            p = slash < 0 ? null : p.substring(slash + 1);
        }
        return null;
    }
}
