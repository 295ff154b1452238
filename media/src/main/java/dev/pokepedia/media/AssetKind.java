package dev.pokepedia.media;

import java.util.Locale;

/**
 * What an asset is: a sprite (image) or a cry (audio). Each kind has its own source and bucket. The table's
 * {@code asset_kind} column keeps the lower-case names ({@link #sql()}).
 */
public enum AssetKind {
    SPRITE(Asset.SPRITES_BUCKET),
    CRY(Asset.CRIES_BUCKET);

    private final String bucket;

    AssetKind(String bucket) {
        this.bucket = bucket;
    }

    /** The bucket the manifest assigns to assets of this kind. */
    public String bucket() {
        return bucket;
    }

    /** The value in the {@code asset_kind} column (also how logs and progress lines name the kind). */
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant for an {@code asset_kind} column value. */
    public static AssetKind fromSql(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return sql();
    }
}
