package dev.pokepedia.medialibrary;

import java.util.Collection;
import java.util.Optional;

/**
 * A media library the catalog mirrors: Cloudinary or an S3-compatible bucket. Every failure is a
 * {@link ProviderException}; messages never contain credentials. Implementations are thread-safe.
 */
public interface MediaProvider extends AutoCloseable {

    /** {@code cloudinary} or {@code s3}: the catalog's {@code provider} column. */
    String kind();

    /** Cloud name or bucket: the catalog's {@code cloud} column. */
    String cloud();

    /**
     * One page of every asset whose public id starts with {@code prefix} (empty = all), in the provider's order.
     *
     * @param cursor     null for the first page, else the previous page's {@link AssetPage#nextCursor()}
     * @param maxResults 1 to 500
     */
    AssetPage list(String prefix, String cursor, int maxResults);

    Optional<ProviderAsset> get(AssetRef ref);

    ProviderAsset upload(UploadRequest request);

    /** Deletes one asset; false when it did not exist. */
    boolean destroy(AssetRef ref);

    /** Deletes many, in chunks the provider accepts (Cloudinary: 100 per call). */
    DeleteResult delete(ResourceType type, Collection<String> publicIds);

    ProviderAsset update(AssetRef ref, AssetChanges changes);

    /** Renames (moves, when the folder part changes) an asset. */
    ProviderAsset rename(AssetRef from, String toPublicId);

    /**
     * The asset's bytes, when the provider serves them to us and they are at most {@code maxBytes}; empty when the
     * asset is missing, larger, or the provider does not offer its bytes (Cloudinary: delivery URLs are for browsers).
     */
    default Optional<byte[]> content(AssetRef ref, long maxBytes) {
        return Optional.empty();
    }

    /**
     * A URL a browser can load a small preview of the asset from, when the provider delivers one itself (Cloudinary:
     * its delivery URL with a thumbnail transformation; a video's first frame as JPEG); empty when it does not (the
     * server then proxies the bytes of {@link #content}).
     */
    default Optional<java.net.URI> thumbnail(AssetRef ref) {
        return Optional.empty();
    }

    /** The origin ({@code https://host}) of every {@link #thumbnail} URL, for a page's Content-Security-Policy. */
    default Optional<String> thumbnailOrigin() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
