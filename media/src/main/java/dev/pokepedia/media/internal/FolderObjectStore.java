package dev.pokepedia.media.internal;

import dev.pokepedia.core.Sha256;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Objects as plain files at {@code <root>/<bucket>/<path>}, written atomically (temp file + rename) so a killed run
 * never leaves a half-written object under the final name.
 *
 * <p>Temporary files live in {@code <root>/<bucket>/.uploads/} (same file system as the objects, so the rename stays
 * atomic) and are named {@code .<scope>-<pid>-<start>-<n>.tmp}: the writer's process id, that process's start time
 * (epoch ms) and its pid namespace on this boot of this machine ({@code scope}). A kill can leave one behind. Such a file
 * is <em>abandoned</em> as of a run's start — and removed by that run, listed by {@code verify --deep} — when it was
 * last written before the run started and either
 * <ul>
 *   <li>its scope is ours and no process with its pid is alive, or one is but started at another time (pid reused), or</li>
 *   <li>its scope is not ours (another machine or container sharing the folder, where we cannot see processes) and it
 *       was last written more than a day before the run started.</li>
 * </ul>
 * why: two processes may write one storage folder at once ({@code work} beside {@code media}); a live writer's file
 * is never touched, and a write takes milliseconds, so a day-old file of an unseen writer is debris.
 */
public final class FolderObjectStore implements ObjectStore {

    private final Path root;
    private final java.util.Set<Path> madeDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong tmpCounter = new java.util.concurrent.atomic.AtomicLong();

    /** The folder of a bucket's temporary upload files. */
    public static final String UPLOADS = ".uploads";
    /** How old an upload of a writer we cannot see (another machine or pid namespace) must be to count as abandoned. */
    static final java.time.Duration FOREIGN_AGE = java.time.Duration.ofDays(1);
    private static final java.util.regex.Pattern UPLOAD = java.util.regex.Pattern.compile("^\\.([0-9a-f]{8})-([0-9]+)-([0-9]+)-[0-9]+\\.tmp$");
    // why: the names earlier versions gave temp files, beside the objects; found only by a walk (verify --deep)
    private static final java.util.regex.Pattern OLD_UPLOAD = java.util.regex.Pattern.compile("^\\.upload-([0-9]+)-[0-9]+\\.tmp$");
    private static final String PREFIX = "." + Writer.SCOPE + "-" + ProcessHandle.current().pid() + "-" + Writer.START + "-";

    public FolderObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * The name the process {@code writer} gives its {@code n}-th temporary upload file (in {@code <bucket>/.uploads/}),
     * or empty when the platform does not say when it started.
     */
    public static Optional<String> uploadFileName(ProcessHandle writer, long n) {
        return writer.info().startInstant().map(t -> "." + Writer.SCOPE + "-" + writer.pid() + "-" + t.toEpochMilli() + "-" + n + ".tmp");
    }

    public Path root() {
        return root;
    }

    @Override
    public Optional<Path> localFolder() {
        return Optional.of(root);
    }

    /** The file of an object; refuses anything that would leave the bucket folder. */
    public Path file(String bucket, String path) {
        Path dir = root.resolve(bucket).normalize();
        Path f = dir.resolve(path).normalize();
        if (!dir.startsWith(root) || !f.startsWith(dir) || f.equals(dir) || path.startsWith("/")) {
            throw new StorageException("Refusing object path '" + bucket + "/" + path + "': it leaves the storage folder",
                    "Object paths are relative, without '..'", false, null);
        }
        return f;
    }

    @Override
    public void ensureBucket(String bucket) {
        try {
            Files.createDirectories(file(bucket, ".keep").getParent());
        } catch (IOException e) {
            throw failure("create bucket folder", bucket, "", e);
        }
    }

    @Override
    public void put(String bucket, String path, byte[] content, String contentType, String sha256) {
        Path f = file(bucket, path);
        Path tmp = null;
        try {
            if (!madeDirs.contains(f.getParent())) {
                Files.createDirectories(f.getParent()); // idempotent, safe when threads race for one folder
                madeDirs.add(f.getParent());
            }
            Path uploads = root.resolve(bucket).resolve(UPLOADS);
            if (!madeDirs.contains(uploads)) {
                Files.createDirectories(uploads);
                madeDirs.add(uploads);
            }
            // why: a unique name without createTempFile's SecureRandom and permission calls, naming its writer so a
            // later run can tell a leftover of a killed run from an upload in progress
            // why the loop: two stores of one process (the sprite worker's and a media run's) count from 1 alike, so a
            // name can be taken; another writer's file is never ours to overwrite or delete
            FileChannel ch = null;
            for (int attempt = 0; ch == null; attempt++) {
                Path candidate = uploads.resolve(PREFIX + tmpCounter.incrementAndGet() + ".tmp");
                try {
                    ch = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    tmp = candidate;
                } catch (java.nio.file.FileAlreadyExistsException taken) {
                    if (attempt >= 1000) {
                        throw taken;
                    }
                }
            }
            // why: one write call for the whole object; Files.write hands the kernel 8 kB at a time
            try (FileChannel opened = ch) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    opened.write(buf);
                }
            }
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; the error below is what matters
                }
            }
            throw failure("write", bucket, path, e);
        }
    }

    @Override
    public Optional<StoredObject> head(String bucket, String path) {
        // why: files carry no metadata we could trust portably, so the hash is computed; sprites and cries are small
        return get(bucket, path).map(b -> new StoredObject(b.length, Sha256.hex(b), ContentTypes.forPath(path)));
    }

    @Override
    public Optional<byte[]> get(String bucket, String path) {
        try {
            return Optional.of(Files.readAllBytes(file(bucket, path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", bucket, path, e);
        }
    }

    @Override
    public void delete(String bucket, String path) {
        try {
            Files.deleteIfExists(file(bucket, path));
        } catch (IOException e) {
            throw failure("delete", bucket, path, e);
        }
    }

    @Override
    public java.util.Map<String, Long> list(String bucket) {
        Path dir = file(bucket, ".keep").getParent();
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).forEach(p -> {
                try {
                    out.put(dir.relativize(p).toString().replace('\\', '/'), Files.size(p));
                } catch (IOException e) {
                    // vanished while listing: treat as absent
                }
            });
        } catch (IOException e) {
            return null; // cannot list: the engine falls back to asking per object
        }
        return out;
    }

    @Override
    public java.util.List<Leftover> abandonedUploads(java.time.Instant runStart, boolean everywhere) {
        java.util.List<Leftover> out = new java.util.ArrayList<>();
        for (Path bucketDir : bucketDirs()) {
            scan(bucketDir.resolve(UPLOADS), false, runStart, out);
            if (everywhere) {
                try (var walk = Files.walk(bucketDir)) {
                    for (Path dir : walk.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().equals(UPLOADS)).toList()) {
                        scan(dir, true, runStart, out);
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a folder vanished or is unreadable while walking: report what was found
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Leftover::path));
        return out;
    }

    @Override
    public java.util.List<Leftover> removeAbandonedUploads(java.time.Instant runStart) {
        java.util.List<Leftover> removed = new java.util.ArrayList<>();
        for (Leftover l : abandonedUploads(runStart, false)) {
            try {
                if (Files.deleteIfExists(root.resolve(l.path()))) {
                    removed.add(l);
                }
            } catch (IOException e) {
                // why: debris must not stop a run; verify --deep keeps listing what could not be removed
            }
        }
        return removed;
    }

    private java.util.List<Path> bucketDirs() {
        try (var s = Files.list(root)) {
            return s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            return java.util.List.of(); // no storage folder yet: nothing left behind
        }
    }

    /** Adds the abandoned upload files directly in {@code dir} ({@code old}: the names of earlier versions). */
    private void scan(Path dir, boolean old, java.time.Instant runStart, java.util.List<Leftover> out) {
        try (var s = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path f : s) {
                String name = f.getFileName().toString();
                java.util.regex.Matcher m = (old ? OLD_UPLOAD : UPLOAD).matcher(name);
                if (!m.matches()) {
                    continue;
                }
                java.nio.file.attribute.BasicFileAttributes a;
                try {
                    a = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue; // renamed into place meanwhile
                }
                java.time.Instant modified = a.lastModifiedTime().toInstant();
                boolean abandoned = old ? Writer.gone(Long.parseLong(m.group(1)), -1, modified, runStart, Writer.SCOPE)
                        : Writer.gone(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), modified, runStart, m.group(1));
                if (a.isRegularFile() && abandoned) {
                    out.add(new Leftover(root.relativize(f).toString().replace('\\', '/'), a.size(), modified));
                }
            }
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            // no uploads folder: nothing left behind
        } catch (IOException e) {
            // unreadable: nothing we can judge
        }
    }

    /** Who writes temporary files, and whether the writer of one is gone. */
    static final class Writer {
        /** This process's pid namespace on this boot of this machine, as 8 hex digits ("00000000" when unknown). */
        static final String SCOPE = scope();
        /** This process's start time (epoch ms), 0 when the platform does not say. */
        static final long START = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);

        private Writer() {
        }

        /** Whether a temp file last written at {@code modified} by {@code pid} (started {@code start}, -1: unknown) in {@code scope} is abandoned. */
        static boolean gone(long pid, long start, java.time.Instant modified, java.time.Instant runStart, String scope) {
            if (!modified.isBefore(runStart)) {
                return false; // written since this run began: someone is at work
            }
            if (!scope.equals(SCOPE) || SCOPE.equals("00000000")) {
                return modified.isBefore(runStart.minus(FOREIGN_AGE)); // a writer we cannot see
            }
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty() || !p.get().isAlive()) {
                return true;
            }
            if (start <= 0) {
                return false; // alive, and we cannot tell whether it is the writer: keep
            }
            // why: a reused pid belongs to a process that started at another time
            return p.get().info().startInstant().map(t -> Math.abs(t.toEpochMilli() - start) > 1000).orElse(false);
        }

        private static String scope() {
            try {
                String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
                String ns = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
                String h = dev.pokepedia.core.Sha256.hex((boot + "|" + ns).getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 8);
                return h.equals("00000000") ? "00000001" : h;
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return "00000000"; // not Linux: pids are not comparable, so leftovers are judged by age alone
            }
        }
    }

    @Override
    public String describe() {
        String uri = root.toUri().toString();
        // why: Path.toUri ends with a slash only once the folder exists, so a first run and its rerun named it differently
        return root.getNameCount() > 0 && uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    private StorageException failure(String what, String bucket, String path, IOException e) {
        String msg = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage() != null ? e.getMessage() : e.toString();
        boolean full = msg.contains("No space left");
        return new StorageException("Cannot " + what + " " + bucket + "/" + path + " under " + root + ": " + msg,
                full ? "The disk is full: free space, then rerun (stored assets are skipped)" : "Check permissions of " + root,
                !full, e);
    }
}
