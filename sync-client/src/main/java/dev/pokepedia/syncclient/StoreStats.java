package dev.pokepedia.syncclient;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Store statistics.
 *
 * @param rowsPerType    entities per type
 * @param fileBytes      size of the store file plus its WAL
 * @param outboxByStatus operations per status (pending, syncing, completed, failed)
 * @param openConflicts  manual conflicts waiting for the app
 * @param lastSync       when a sync last finished without error
 */
public record StoreStats(Map<String, Long> rowsPerType, long fileBytes, Map<OpStatus, Long> outboxByStatus, long openConflicts,
                         Optional<Instant> lastSync) {
}
