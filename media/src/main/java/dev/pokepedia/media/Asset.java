package dev.pokepedia.media;

/**
 * One row of {@code pokepedia_assets}: a media file the corpus references.
 *
 * @param path         object path, the upstream repository layout, e.g. {@code sprites/pokemon/25.png}
 * @param sourceUrl    the upstream URL as the documents reference it
 * @param kind         a sprite or a cry (the {@code asset_kind} column holds {@link AssetKind#sql()})
 * @param status       where the asset stands
 * @param storedSha256 hex SHA-256 of what is stored, or null if nothing is stored yet
 * @param missingFrom  the source that last reported it missing, or null
 * @param sourceStamp  how the source file looked when the stored SHA-256 was computed from it ({@link AssetSource}), or null
 */
public record Asset(long id, String bucket, String path, String sourceUrl, AssetKind kind, AssetStatus status, String storedSha256,
                    String missingFrom, String sourceStamp) {

    public Asset(long id, String bucket, String path, String sourceUrl, AssetKind kind, AssetStatus status, String storedSha256,
                 String missingFrom) {
        this(id, bucket, path, sourceUrl, kind, status, storedSha256, missingFrom, null);
    }

    public Asset(long id, String bucket, String path, String sourceUrl, AssetKind kind, AssetStatus status, String storedSha256) {
        this(id, bucket, path, sourceUrl, kind, status, storedSha256, null, null);
    }

    public static final String SPRITES_BUCKET = "pokedex-sprites";
    public static final String CRIES_BUCKET = "pokedex-cries";

    /** Whether the manifest records this asset as stored. */
    public boolean stored() {
        return status == AssetStatus.STORED;
    }
}
