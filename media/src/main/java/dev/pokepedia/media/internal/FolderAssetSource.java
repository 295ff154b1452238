package dev.pokepedia.media.internal;

import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Assets from a folder with the upstream repository layout: a PokeAPI/sprites or PokeAPI/cries checkout, the npm
 * package's {@code package/} folder, or an unpacked archive with one top folder. Symbolic links are not followed.
 *
 * <p>Bulk runs list the folder once ({@link #prepare}) and look each wanted path up in that listing: partial sources
 * lack most referenced files (50k of 54k for the npm package), and one directory walk is far cheaper than a failed
 * lookup per absent file. The listing also holds each file's stamp ({@link FileState}), so a rerun skips files the sink
 * already holds without touching them again. A few assets at a time (the sprite worker) are looked up one by one.
 */
public final class FolderAssetSource implements AssetSource {

    /** Above this many wanted assets an unprepared delivery lists the folder instead of looking files up one by one. */
    private static final int LIST_ABOVE = 2_000;

    private final Path root;
    private final String shown;
    private final int concurrency;
    private final long maxBytes;
    private final Clock clock;
    private volatile CompletableFuture<Listing> listing;
    private volatile Path realRoot;

    /** Regular files by relative path with their state, and the relative paths of symbolic links met on the walk. */
    record Listing(Map<String, FileState> files, Set<String> links) {}

    public FolderAssetSource(Path dir, int concurrency, long maxBytes) {
        this(dir, concurrency, maxBytes, Clock.systemUTC());
    }

    /** {@code clock}: tells files that changed just now (whose stamps are not trusted) from settled ones. */
    public FolderAssetSource(Path dir, int concurrency, long maxBytes, Clock clock) {
        this.clock = clock;
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
    public void prepare() {
        if (listing == null) {
            listing = CompletableFuture.supplyAsync(this::list, r -> Thread.ofVirtual().name("list-source").start(r));
        }
    }

    @Override
    public Set<String> listing() throws InterruptedException {
        prepare();
        Listing listed = awaitListing();
        return listed == null || !listed.links().isEmpty() ? null : listed.files().keySet();
    }

    @Override
    public void deliver(Collection<Asset> wanted, AssetSink sink) throws InterruptedException {
        if (listing == null && wanted.size() > LIST_ABOVE) {
            prepare();
        }
        Listing listed = awaitListing();
        listing = null; // why: a later delivery (a rerun in the same process) must see the folder as it is then
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Asset a : wanted) {
                FileState st = listed == null ? null : listed.files().get(a.path());
                if (listed != null && st == null) {
                    // why: answered from the listing on this thread; no task, no file system call
                    absent(a, listed, sink);
                    continue;
                }
                if (st != null && st.stamp() != null && st.size() <= maxBytes && sink.alreadyHave(a, st.stamp())) {
                    continue; // why: same on this thread: a file the sink holds under this stamp is not read
                }
                permits.acquire();
                pool.execute(() -> {
                    try {
                        deliverOne(a, listed, sink);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }

    private Listing awaitListing() throws InterruptedException {
        CompletableFuture<Listing> pending = listing;
        if (pending == null) {
            return null;
        }
        try {
            return pending.get();
        } catch (ExecutionException e) {
            return null; // why: a folder that cannot be walked is read file by file, which reports each problem by path
        }
    }

    private void absent(Asset a, Listing listed, AssetSink sink) {
        if (!inside(a.path())) {
            sink.failed(a, "path '" + a.path() + "' leaves the source folder " + shown);
        } else if (!listed.links().isEmpty() && underLink(a.path(), listed.links())) {
            sink.failed(a, root.resolve(a.path()) + " is (or lies under) a symbolic link; links are not followed");
        } else {
            sink.missing(a, "absent from " + shown);
        }
    }

    private void deliverOne(Asset a, Listing listed, AssetSink sink) {
        if (!inside(a.path())) {
            sink.failed(a, "path '" + a.path() + "' leaves the source folder " + shown);
            return;
        }
        Path f = root.resolve(a.path());
        try {
            // with a listing, the walk saw a regular file at this exact path and deliver() already offered its stamp
            FileState st = listed != null ? listed.files().get(a.path()) : null;
            boolean stampOffered = st != null;
            if (st == null) {
                try {
                    st = FileState.of(f, clock);
                } catch (NoSuchFileException e) {
                    sink.missing(a, "absent from " + shown);
                    return;
                }
                if (!st.regular() || !f.toRealPath().equals(realRoot().resolve(a.path()))) {
                    sink.failed(a, f + " is (or lies under) a symbolic link; links are not followed");
                    return;
                }
            }
            if (st.size() > maxBytes) {
                sink.failed(a, f + " is " + st.size() + " bytes, over the " + maxBytes + "-byte limit");
                return;
            }
            if (!stampOffered && st.stamp() != null && sink.alreadyHave(a, st.stamp())) {
                return;
            }
            try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                sink.found(a, in.readNBytes((int) st.size()), st.stamp());
            }
        } catch (NoSuchFileException e) {
            sink.missing(a, "absent from " + shown);
        } catch (IOException e) {
            sink.failed(a, "cannot read " + f + ": " + e.getMessage());
        }
    }

    /**
     * What a file looked like. The stamp (size, modification and change times in nanoseconds, device, inode) changes
     * whenever the content can have: a rewrite moves the change time even when the modification time is set back (as
     * {@code cp -p} does, and npm packages give every file the same modification time), and a replaced file has a new
     * inode.
     *
     * @param stamp null when the file changed within the last {@link #RACY} (a change within the same clock tick
     *              could leave every field as it was, as git's "racy clean" case) or the platform has no unix view
     */
    record FileState(boolean regular, boolean directory, boolean link, long size, String stamp) {

        private static final Duration RACY = Duration.ofSeconds(2);
        private static final String UNIX = "unix:isRegularFile,isDirectory,isSymbolicLink,size,lastModifiedTime,ctime,dev,ino";

        /** One {@code lstat}. */
        static FileState of(Path f, Clock clock) throws IOException {
            Map<String, Object> at;
            try {
                at = Files.readAttributes(f, UNIX, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                // no unix view (Windows): no stamp, so such files are always read
                BasicFileAttributes b = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new FileState(b.isRegularFile(), b.isDirectory(), b.isSymbolicLink(), b.size(), null);
            }
            boolean regular = (Boolean) at.get("isRegularFile");
            long size = (Long) at.get("size");
            long ctime = ((FileTime) at.get("ctime")).to(TimeUnit.NANOSECONDS);
            boolean settled = ctime < clock.instant().minus(RACY).toEpochMilli() * 1_000_000L;
            String stamp = regular && settled
                    ? size + ":" + ((FileTime) at.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS) + ":" + ctime + ":" + at.get("dev") + ":" + at.get("ino")
                    : null;
            return new FileState(regular, (Boolean) at.get("isDirectory"), (Boolean) at.get("isSymbolicLink"), size, stamp);
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

    /** Whether a relative asset path stays inside the folder (no {@code ..}, not absolute). */
    private boolean inside(String path) {
        return !path.startsWith("/") && root.resolve(path).normalize().startsWith(root);
    }

    private static boolean underLink(String path, Set<String> links) {
        for (int i = path.indexOf('/'); ; i = path.indexOf('/', i + 1)) {
            if (links.contains(i < 0 ? path : path.substring(0, i))) {
                return true;
            }
            if (i < 0) {
                return false;
            }
        }
    }

    private Listing list() {
        Map<String, FileState> files = new HashMap<>();
        Set<String> links = new HashSet<>();
        try {
            walk(realRoot(), "", files, links);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Listing(files, links);
    }

    /**
     * Lists a folder tree without following links; a linked file or folder is remembered so its assets fail, not
     * vanish. why not {@link Files#walkFileTree}: it stats every entry itself, and the stamps need one more stat for
     * the change time; one {@code lstat} per entry here gives both.
     */
    private void walk(Path dir, String prefix, Map<String, FileState> files, Set<String> links) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String rel = prefix + p.getFileName();
                FileState st;
                try {
                    st = FileState.of(p, clock);
                } catch (IOException e) {
                    continue; // vanished or unreadable: its assets are reported absent
                }
                if (st.directory()) {
                    try {
                        walk(p, rel + "/", files, links);
                    } catch (IOException e) {
                        // an unreadable folder: its assets are reported absent
                    }
                } else if (st.regular()) {
                    files.put(rel, st);
                } else if (st.link()) {
                    links.add(rel);
                }
            }
        }
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
