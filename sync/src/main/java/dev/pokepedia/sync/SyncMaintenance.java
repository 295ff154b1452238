package dev.pokepedia.sync;

import dev.pokepedia.core.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/** Owner-side upkeep of the sync tables (run by a schedule, not by a user): tombstone pruning. */
public final class SyncMaintenance {

    /**
     * How long tombstones are kept by default. A device offline longer than this pulls from a cursor before the pruned
     * window and is told to resync from 0 (410), so nothing it missed is lost, only re-read.
     */
    public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofDays(30);

    private final Database db;

    public SyncMaintenance(Database db) {
        this.db = db;
    }

    /** Hard-deletes tombstones older than {@code age} (children first) and raises each user's pruned watermark. */
    public long pruneTombstones(Duration age) {
        if (age == null || age.isNegative()) {
            throw new IllegalArgumentException("tombstone age must be zero or positive, got " + age);
        }
        return db.withConnection("pruning sync tombstones", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sync_prune_tombstones(?::interval)")) {
                ps.setString(1, age.toMillis() + " milliseconds");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
