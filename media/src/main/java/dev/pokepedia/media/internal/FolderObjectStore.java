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
 */
public final class FolderObjectStore implements ObjectStore {

    private final Path root;
    private final java.util.Set<Path> madeDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong tmpCounter = new java.util.concurrent.atomic.AtomicLong();

    public FolderObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
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
            // why: a unique name without createTempFile's SecureRandom and permission calls; a leftover from a kill
            // is a dot-file that never shadows an object
            tmp = f.resolveSibling(".upload-" + ProcessHandle.current().pid() + "-" + tmpCounter.incrementAndGet() + ".tmp");
            // why: one write call for the whole object; Files.write hands the kernel 8 kB at a time
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
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
