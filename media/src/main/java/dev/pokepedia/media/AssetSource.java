package dev.pokepedia.media;

import java.util.Collection;

/**
 * Where the bytes of assets come from: a folder with the upstream repository layout, a .tar.gz of such a tree
 * (read as a stream), or HTTP (upstream URLs or a mirror base URL). A source delivers every asset it is asked for
 * exactly once to the sink: as bytes, as missing (the source does not have it), or as failed.
 */
public interface AssetSource {

    /** Human-readable, recorded with missing assets ("missing from …"). */
    String describe();

    /**
     * Whether reading everything again is cheap (a local folder or archive). Then stored assets are re-read and
     * re-hashed to notice changed files; otherwise (HTTP) only assets not yet stored are asked for.
     */
    default boolean cheapToReread() {
        return false;
    }

    /**
     * Called at the start of a bulk run, before the manifest is read, so a source can get ready (list itself) in the
     * meantime. Deliveries without it work too.
     */
    default void prepare() {
    }

    /**
     * Every relative path the source holds, when it can tell completely and cheaply (a folder without symbolic links),
     * else null. Lets a bulk run settle all absent assets in one statement instead of asking for each of them.
     */
    default java.util.Set<String> listing() throws InterruptedException {
        return null;
    }

    /**
     * For a source read as one stream (an archive), the share of it read so far, 0 to 1; -1 for a source whose
     * progress is its files.
     */
    default double readFraction() {
        return -1;
    }

    /** Delivers each wanted asset to the sink; may call the sink from several threads at once. */
    void deliver(Collection<Asset> wanted, AssetSink sink) throws InterruptedException;

    /** Receives what a source found. Thread-safe. */
    interface AssetSink {
        /** The source has the asset; {@code bytes} is its complete content. */
        void found(Asset asset, byte[] bytes);

        /**
         * As {@link #found(Asset, byte[])}, from a source that can describe the file it read ({@code sourceStamp}: size,
         * times, device and inode, or null when the file changed too recently to vouch for), so that a later run can
         * tell the file is unchanged without reading it.
         */
        default void found(Asset asset, byte[] bytes, String sourceStamp) {
            found(asset, bytes);
        }

        /**
         * Asked before reading a file whose stamp the source knows: true when the sink already holds exactly what
         * this file holds (stored, and stamped the same when it was hashed) and has counted it unchanged; the source
         * then does not read it.
         */
        default boolean alreadyHave(Asset asset, String sourceStamp) {
            return false;
        }

        /** The source does not have the asset (HTTP 404, absent from the folder or archive). Not an error. */
        void missing(Asset asset, String reason);

        /** The source failed for this asset (after its own retries); the asset stays due for a later run. */
        void failed(Asset asset, String error);
    }
}
