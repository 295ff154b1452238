package dev.pokepedia.media;

import java.util.Optional;

/**
 * Where mirrored bytes live: a local folder or an S3-compatible service. Implementations are thread-safe.
 * Paths are the upstream repository layout ({@code sprites/pokemon/25.png}); buckets are {@code pokedex-sprites}
 * and {@code pokedex-cries}.
 */
public interface ObjectStore extends AutoCloseable {

    /** Creates the bucket if it does not exist. */
    void ensureBucket(String bucket);

    /**
     * Writes an object and returns only once the backend confirmed it. The SHA-256 (hex) is kept with the object
     * (S3 user metadata {@code sha256}), so later runs and {@code verify --deep} can compare without downloading.
     */
    void put(String bucket, String path, byte[] content, String contentType, String sha256);

    /** Size and stored SHA-256 (null if the backend has none) of an object, or empty if it does not exist. */
    Optional<StoredObject> head(String bucket, String path);

    /** The object's bytes, or empty if it does not exist. */
    Optional<byte[]> get(String bucket, String path);

    void delete(String bucket, String path);

    /**
     * Sizes of all objects in a bucket by path, in one listing (S3: ListObjectsV2 pages of 1,000), or null when the
     * backend cannot list cheaply. Lets the engine skip a per-object existence check for objects that are not there.
     */
    default java.util.Map<String, Long> list(String bucket) {
        return null;
    }

    /**
     * The local folder holding the objects as plain files ({@code <folder>/<bucket>/<path>}), for backends that have
     * one; lets {@code serve} answer storage URLs straight from the files.
     */
    default Optional<java.nio.file.Path> localFolder() {
        return Optional.empty();
    }

    /**
     * Temporary upload files that writers killed mid-write left in the store and that are provably abandoned as of
     * {@code runStart} (the folder backend's rule: {@link dev.pokepedia.media.internal.FolderObjectStore}); empty for
     * backends without such files.
     *
     * @param everywhere also walk every bucket for the names earlier versions gave them (beside the objects); slow
     */
    default java.util.List<Leftover> abandonedUploads(java.time.Instant runStart, boolean everywhere) {
        return java.util.List.of();
    }

    /** Deletes what {@code abandonedUploads(runStart, false)} finds and returns what it deleted. */
    default java.util.List<Leftover> removeAbandonedUploads(java.time.Instant runStart) {
        return java.util.List.of();
    }

    /** Human-readable location for messages, e.g. {@code file:///data/storage} or {@code s3://host:9000}. */
    String describe();

    @Override
    default void close() {
    }

    /** A temporary upload file left behind: its path under the storage root, its size and last modification. */
    record Leftover(String path, long bytes, java.time.Instant modified) {}

    /** What a backend knows about a stored object without reading it. */
    record StoredObject(long size, String sha256, String contentType) {}
}
