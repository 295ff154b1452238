package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * An open manual conflict: the local change and the server's row, both kept until the app resolves it.
 */
public record Conflict(String type, String id, Optional<ObjectNode> localPayload, boolean localDeleted,
                       long serverVersion, boolean serverDeleted, Optional<ObjectNode> serverPayload, Instant detectedAt) {
}
