package dev.pokepedia.syncclient;

import java.time.Instant;
import java.util.Optional;

/** What a status subscriber sees. */
public record SyncStatus(long pending, long failed, long conflicts, boolean online, boolean syncing, Optional<Instant> lastSynced,
                         Optional<String> lastError) {
}
