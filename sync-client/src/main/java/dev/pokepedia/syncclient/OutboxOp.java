package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One queued change.
 *
 * @param opId          client op id, monotonic per install (kept in the store file)
 * @param baseVersion   the server version the local copy was based on (0 = created locally)
 * @param payload       the entity JSON (upserts only)
 * @param hlc           hybrid logical clock stamp of the change
 * @param nextAttemptAt not pushed before this time
 */
public record OutboxOp(long opId, String type, String entityId, OpKind kind, Optional<ObjectNode> payload, long baseVersion,
                       String hlc, OpStatus status, int attempts, Instant nextAttemptAt, Optional<String> lastError) {
}
