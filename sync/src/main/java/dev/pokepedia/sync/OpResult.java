package dev.pokepedia.sync;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer for one operation: applied with the row's new version, or a conflict with the server's row.
 *
 * @param opId    null for operations without one (the RPC path)
 * @param version the row's version after an applied op (0: a delete of a row that never existed); null on conflict
 * @param server  the stored row on conflict, else null
 */
public record OpResult(Long opId, String type, String id, Status status, Long version, ServerRow server) {
    public enum Status { APPLIED, CONFLICT }

    /** The stored row a conflicting op was compared with; version 0 + deleted = no row at all. */
    public record ServerRow(long version, boolean deleted, JsonNode payload, String hlc) {}
}
