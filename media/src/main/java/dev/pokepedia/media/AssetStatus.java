package dev.pokepedia.media;

import java.util.Locale;

/**
 * Where an asset of {@code pokepedia_assets} stands. The table keeps the lower-case names ({@link #sql()}); Java code
 * compares these constants, and only the manifest's SQL turns them into text and back.
 */
public enum AssetStatus {
    /** Referenced, not fetched yet (or set back after failing). */
    PENDING,
    /** Written to the store and confirmed; the row's SHA-256 is what the store holds. */
    STORED,
    /** The source said it does not have the file ({@code missing_from} names which source). */
    MISSING,
    /** The last attempt failed ({@code last_error}); retried by the next run or the retry schedule. */
    FAILED;

    /** The value in the {@code status} column. */
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant for a {@code status} column value. */
    public static AssetStatus fromSql(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
