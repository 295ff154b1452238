package dev.pokepedia.sync;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One client operation (see SYNC-PROTOCOL). Checked against the type registry by the database, so the same rules hold
 * for the HTTP API and for SQL callers of {@code sync_push}.
 *
 * @param payload the entity JSON for an upsert (includes "id"); null for a delete
 * @param hlc     the client's hybrid logical clock stamp; may be null
 */
public record Operation(long opId, String type, String id, Kind kind, long baseVersion, JsonNode payload, String hlc) {
    public enum Kind { UPSERT, DELETE }

    public static Operation upsert(long opId, String type, String id, long baseVersion, JsonNode payload) {
        return new Operation(opId, type, id, Kind.UPSERT, baseVersion, payload, null);
    }

    public static Operation delete(long opId, String type, String id, long baseVersion) {
        return new Operation(opId, type, id, Kind.DELETE, baseVersion, null, null);
    }
}
