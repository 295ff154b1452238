package dev.pokepedia.media;

/**
 * How to run a mirror pass.
 *
 * @param concurrency  uploads in flight per kind
 * @param maxBytes     larger files are refused (reported failed)
 * @param verifyRemote check the stored object itself (size + SHA-256) instead of trusting the manifest
 * @param dryRun       read and compare, report what would be transferred, write nothing
 * @param rehash       read and hash every source file, even one whose stamp shows it unchanged since it was hashed
 */
public record MirrorOptions(int concurrency, long maxBytes, boolean verifyRemote, boolean dryRun, boolean rehash) {

    public MirrorOptions(int concurrency, long maxBytes, boolean verifyRemote, boolean dryRun) {
        this(concurrency, maxBytes, verifyRemote, dryRun, false);
    }

    public MirrorOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
    }

    public static MirrorOptions defaults() {
        return new MirrorOptions(16, 20L << 20, false, false, false);
    }
}
