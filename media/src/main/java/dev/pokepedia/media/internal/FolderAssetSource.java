package dev.pokepedia.media.internal;

import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * Assets from a folder with the upstream repository layout: a PokeAPI/sprites or PokeAPI/cries checkout, the npm
 * package's {@code package/} folder, or an unpacked archive with one top folder. Symbolic links are not followed.
 */
public final class FolderAssetSource implements AssetSource {

    private final Path root;
    private final String shown;
    private final int concurrency;
    private final long maxBytes;
    private volatile Path realRoot;

    public FolderAssetSource(Path dir, int concurrency, long maxBytes) {
        this.shown = dir.toString();
        this.root = findRoot(dir);
        this.concurrency = concurrency;
        this.maxBytes = maxBytes;
    }

    @Override
    public String describe() {
        return shown;
    }

    @Override
    public boolean cheapToReread() {
        return true;
    }

    @Override
    public void deliver(Collection<Asset> wanted, AssetSink sink) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Asset a : wanted) {
                permits.acquire();
                pool.execute(() -> {
                    try {
                        deliverOne(a, sink);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }

    private void deliverOne(Asset a, AssetSink sink) {
        Path f = root.resolve(a.path()).normalize();
        if (!f.startsWith(root)) {
            sink.failed(a, "path '" + a.path() + "' leaves the source folder " + shown);
            return;
        }
        // why: most referenced files are absent from partial sources (50k of 54k for the npm package); java.io.File
        // answers "not there" without building an exception per file
        java.io.File file = f.toFile();
        if (!file.exists() && !Files.isSymbolicLink(f)) {
            sink.missing(a, "absent from " + shown);
            return;
        }
        try {
            if (!f.toRealPath().equals(realRoot().resolve(a.path()))) {
                sink.failed(a, f + " is (or lies under) a symbolic link; links are not followed");
                return;
            }
            long size = Files.size(f);
            if (size > maxBytes) {
                sink.failed(a, f + " is " + size + " bytes, over the " + maxBytes + "-byte limit");
                return;
            }
            try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                sink.found(a, in.readNBytes((int) size));
            }
        } catch (NoSuchFileException e) {
            sink.missing(a, "absent from " + shown);
        } catch (IOException e) {
            sink.failed(a, "cannot read " + f + ": " + e.getMessage());
        }
    }

    private Path realRoot() throws IOException {
        Path r = realRoot;
        if (r == null) {
            r = root.toRealPath();
            realRoot = r;
        }
        return r;
    }

    /** The folder under which {@code sprites/…} or {@code cries/…} paths resolve. */
    static Path findRoot(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        for (Path c : List.of(d, d.resolve("package"))) {
            if (Files.isDirectory(c.resolve("sprites")) || Files.isDirectory(c.resolve("cries"))) {
                return c;
            }
        }
        try (Stream<Path> kids = Files.list(d)) {
            List<Path> sub = kids.filter(Files::isDirectory).toList();
            if (sub.size() == 1 && (Files.isDirectory(sub.get(0).resolve("sprites")) || Files.isDirectory(sub.get(0).resolve("cries")))) {
                return sub.get(0);
            }
        } catch (IOException ignored) {
            // fall through: every asset will be reported missing from this folder
        }
        return d;
    }
}
