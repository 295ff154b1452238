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

    /** Delivers each wanted asset to the sink; may call the sink from several threads at once. */
    void deliver(Collection<Asset> wanted, AssetSink sink) throws InterruptedException;

    /** Receives what a source found. Thread-safe. */
    interface AssetSink {
        /** The source has the asset; {@code bytes} is its complete content. */
        void found(Asset asset, byte[] bytes);

        /** The source does not have the asset (HTTP 404, absent from the folder or archive). Not an error. */
        void missing(Asset asset, String reason);

        /** The source failed for this asset (after its own retries); the asset stays due for a later run. */
        void failed(Asset asset, String error);
    }
}
